//! `cargo xtask fuzz`: every cargo-fuzz target for a time budget, executions counted, crashes kept
//! as regression inputs.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use xshell::cmd;

use crate::report::Report;
use crate::workspace::Ctx;

/// The fuzz targets (fuzz/fuzz_targets/*.rs).
const TARGETS: [&str; 6] = [
    "verify",
    "explain",
    "scheme_spec",
    "secret",
    "config",
    "jwt",
];

/// The time budget per target when neither `--seconds` nor `--runs` is given.
pub const DEFAULT_SECONDS: u64 = 60;

/// How long each target runs, and how it is built.
pub struct Budget {
    /// Seconds per target (libFuzzer's `-max_total_time`), if limited.
    pub seconds: Option<u64>,
    /// Executions per target (libFuzzer's `-runs`), if limited.
    pub runs: Option<u64>,
    /// The sanitizer cargo-fuzz builds with (`address` unless told otherwise).
    pub sanitizer: String,
    /// Build with debug assertions and overflow checks.
    pub debug_assertions: bool,
}

/// Runs each target (or the chosen ones) within `budget`, and reports executions and crashes.
pub fn run(ctx: &Ctx, budget: &Budget, chosen: &[String]) -> anyhow::Result<ExitCode> {
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
        report.record(target, fuzz_one(ctx, target, budget).into());
    }
    Ok(report.finish(false))
}

fn fuzz_one(ctx: &Ctx, target: &str, budget: &Budget) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let _fuzz_dir = sh.push_dir(ctx.path("fuzz"));
    // The working corpus grows across runs under target/; kept inputs seed it.
    let corpus = ctx.scratch().join("fuzz-corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let kept = ctx.path("fuzz/regressions").join(target);
    let seconds = match (budget.seconds, budget.runs) {
        (Some(seconds), _) => Some(seconds),
        (None, Some(_)) => None,
        (None, None) => Some(DEFAULT_SECONDS),
    };
    let mut libfuzzer_args = vec!["-print_final_stats=1".to_owned()];
    libfuzzer_args.extend(seconds.map(|seconds| format!("-max_total_time={seconds}")));
    libfuzzer_args.extend(budget.runs.map(|runs| format!("-runs={runs}")));
    // A target's dictionary, if it has one: the tokens of its input format.
    let dict = ctx.path("fuzz/dicts").join(format!("{target}.dict"));
    if dict.exists() {
        libfuzzer_args.push(format!("-dict={}", dict.display()));
    }
    let sanitizer = ["--sanitizer", budget.sanitizer.as_str()];
    let debug_assertions = budget.debug_assertions.then_some("--debug-assertions");
    let output = cmd!(
        sh,
        "cargo +nightly fuzz run {sanitizer...} {debug_assertions...} {target} {corpus} {kept} -- {libfuzzer_args...}"
    )
    .ignore_status()
    .output()?;
    let log = String::from_utf8_lossy(&output.stderr);
    // The whole libFuzzer log, for the figures a long run is run for.
    let log_path = ctx.scratch().join(format!("fuzz-{target}.log"));
    std::fs::write(&log_path, log.as_bytes())?;
    let crashes = keep_crashes(ctx, target)?;
    if !output.status.success() || crashes > 0 {
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        bail!("{target}: {crashes} crash input(s) kept in fuzz/regressions/{target}/");
    }
    let stat = |name: &str| {
        log.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .with_context(|| format!("libFuzzer printed no {name}"))
    };
    let executions = stat("stat::number_of_executed_units:")?;
    let per_second = stat("stat::average_exec_per_sec:")?;
    Ok(format!(
        "{executions} executions, {per_second}/s, sanitizer {}, no crash; log {}",
        budget.sanitizer,
        log_path.display()
    ))
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
