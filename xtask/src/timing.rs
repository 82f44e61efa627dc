//! `cargo xtask timing`: the dudect-style statistical timing test of verification
//! (crates/userhash/examples/dudect.rs) in a release build. Never part of `test`: timing on a
//! shared machine is evidence for a person to read, not a pass/fail gate.

use std::process::ExitCode;

use xshell::cmd;

use crate::workspace::Ctx;

/// Runs the dudect example with `samples` timed verifications per run; its report is printed
/// as it comes.
pub fn run(ctx: &Ctx, samples: u64, seed: Option<u64>) -> anyhow::Result<ExitCode> {
    let sh = &ctx.sh;
    let samples = samples.to_string();
    let seed: Vec<String> = seed
        .map(|seed| vec!["--seed".to_owned(), seed.to_string()])
        .unwrap_or_default();
    cmd!(
        sh,
        "cargo run --quiet --release -p userhash --example dudect -- --samples {samples} {seed...}"
    )
    .run()?;
    Ok(ExitCode::SUCCESS)
}
