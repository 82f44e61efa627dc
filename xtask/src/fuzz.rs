//! `cargo xtask fuzz`: every cargo-fuzz target for a time budget, executions counted, crashes kept
//! as regression inputs.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use xshell::cmd;

use crate::report::Report;
use crate::workspace::Ctx;

/// The fuzz targets (fuzz/fuzz_targets/*.rs).
const TARGETS: [&str; 4] = ["verify", "explain", "scheme_spec", "secret"];

/// Runs each target (or the chosen ones) for `seconds`, and reports executions and crashes.
pub fn run(ctx: &Ctx, seconds: u64, chosen: &[String]) -> anyhow::Result<ExitCode> {
    ensure_cargo_fuzz(ctx)?;
    let mut report = Report::new("fuzz", "targets");
    let targets: Vec<&str> = TARGETS
        .into_iter()
        .filter(|target| chosen.is_empty() || chosen.iter().any(|c| c == target))
        .collect();
    if targets.is_empty() {
        bail!(
            "no such fuzz target; the targets are {}",
            TARGETS.join(", ")
        );
    }
    for target in targets {
        report.record(target, fuzz_one(ctx, target, seconds).into());
    }
    Ok(report.finish(false))
}

fn fuzz_one(ctx: &Ctx, target: &str, seconds: u64) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let _fuzz_dir = sh.push_dir(ctx.path("fuzz"));
    // The working corpus grows across runs under target/; kept inputs seed it.
    let corpus = ctx.scratch().join("fuzz-corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let kept = ctx.path("fuzz/regressions").join(target);
    let max_time = format!("-max_total_time={seconds}");
    let output = cmd!(
        sh,
        "cargo +nightly fuzz run {target} {corpus} {kept} -- {max_time} -print_final_stats=1"
    )
    .ignore_status()
    .output()?;
    let log = String::from_utf8_lossy(&output.stderr);
    let crashes = keep_crashes(ctx, target)?;
    if !output.status.success() || crashes > 0 {
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        bail!("{target}: {crashes} crash input(s) kept in fuzz/regressions/{target}/");
    }
    let executions = log
        .lines()
        .find_map(|line| line.strip_prefix("stat::number_of_executed_units:"))
        .map(str::trim)
        .context("libFuzzer printed no execution count")?;
    Ok(format!("{executions} executions in {seconds} s, no crash"))
}

/// Moves libFuzzer's crash artifacts into fuzz/regressions/<target>/, where `cargo test` replays
/// them forever; returns how many there were.
fn keep_crashes(ctx: &Ctx, target: &str) -> anyhow::Result<usize> {
    let artifacts = ctx.path("fuzz/artifacts").join(target);
    let Ok(entries) = std::fs::read_dir(&artifacts) else {
        return Ok(0);
    };
    let mut kept = 0;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().context("artifact name")?.to_owned();
        std::fs::rename(&path, ctx.path("fuzz/regressions").join(target).join(name))?;
        kept += 1;
    }
    Ok(kept)
}

fn ensure_cargo_fuzz(ctx: &Ctx) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    if cmd!(sh, "cargo fuzz --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_err()
    {
        eprintln!("xtask: installing cargo-fuzz (cargo install cargo-fuzz --locked)");
        cmd!(sh, "cargo install cargo-fuzz --locked").run()?;
    }
    if cmd!(sh, "rustup run nightly rustc --version")
        .quiet()
        .ignore_stdout()
        .run()
        .is_err()
    {
        eprintln!("xtask: installing the nightly toolchain cargo-fuzz needs");
        cmd!(sh, "rustup toolchain install nightly --profile minimal").run()?;
    }
    Ok(())
}
