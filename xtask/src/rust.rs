//! The Rust side of `test`: vectors up to date, the core's layers, formatting, clippy, and the
//! workspace's tests; beside it, the Rust drivers of `bench` (`bench.rs`: the core's criterion
//! benchmark; `cli_bench.rs`: the CLI's `batch` against a stdlib Python script).

pub(crate) mod bench;
pub(crate) mod cli_bench;

use xshell::cmd;

use crate::layers;
use crate::report::Outcome;
use crate::vectors;
use crate::workspace::Ctx;

/// Vectors, the core's layers, `cargo fmt --check`, clippy with warnings denied, and every test
/// in the workspace.
pub fn test(ctx: &Ctx) -> Outcome {
    let run = || -> anyhow::Result<String> {
        let sh = &ctx.sh;
        vectors::check_hash(ctx)?;
        layers::check(ctx)?;
        cmd!(sh, "cargo fmt --all --check").run()?;
        cmd!(
            sh,
            "cargo clippy --workspace --all-targets --quiet -- -D warnings"
        )
        .run()?;
        cmd!(sh, "cargo test --workspace").run()?;
        // Benchmarks run once each in test mode: they still execute; speed is not judged here.
        cmd!(sh, "cargo test --package userhash --benches --quiet").run()?;
        Ok(
            "vectors fresh, core layers, fmt, clippy -D warnings, cargo test --workspace, bench smoke"
                .to_owned(),
        )
    };
    run().into()
}
