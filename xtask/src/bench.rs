//! `cargo xtask bench`: every benchmark, written to docs/benchmarks.md as ratios against
//! baselines measured in the same run (never as absolute pass/fail thresholds).

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use crate::workspace::Ctx;

/// One row of a results table: a measurement beside the baseline it is read against.
struct Row {
    what: &'static str,
    nanos: f64,
    baseline: &'static str,
    baseline_nanos: f64,
    target: &'static str,
}

/// Runs the criterion benchmarks of the core and writes the table.
pub fn run(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let sh = &ctx.sh;
    cmd!(sh, "cargo bench --package userhash --bench sign").run()?;
    let median = |id: &str| criterion_median(&ctx.target().join("criterion"), id);

    let one = median("sign/floor_one_compression")?;
    let floor = median("sign/floor_two_compressions")?;
    let hmac_crate = median("sign/baseline_hmac_crate_new_key_hex")?;
    let one_thread = median("batch/one_thread")?;
    let rows = [
        Row {
            what: "two chained SHA-256 compressions (the floor)",
            nanos: floor,
            baseline: "one SHA-256 compression",
            baseline_nanos: one,
            target: "",
        },
        Row {
            what: "`Signer::sign_into` (41-byte id, reused buffer)",
            nanos: median("sign/userhash_sign_into")?,
            baseline: "two chained SHA-256 compressions",
            baseline_nanos: floor,
            target: "≤ 1.25×",
        },
        Row {
            what: "`Signer::sign` (allocates the token)",
            nanos: median("sign/userhash_sign")?,
            baseline: "two chained SHA-256 compressions",
            baseline_nanos: floor,
            target: "",
        },
        Row {
            what: "`Signer::sign` (allocates the token)",
            nanos: median("sign/userhash_sign")?,
            baseline: "`hmac` crate, new key per call + `hex::encode`",
            baseline_nanos: hmac_crate,
            target: "",
        },
        Row {
            what: "`Signer::sign_at` (Jimo, timestamped)",
            nanos: median("sign/userhash_sign_at_timestamped")?,
            baseline: "two chained SHA-256 compressions",
            baseline_nanos: floor,
            target: "",
        },
        Row {
            what: "`Signer::sign_batch`, 100k ids, all cores",
            nanos: median("batch/all_cores")?,
            baseline: "the same batch on one thread",
            baseline_nanos: one_thread,
            target: "≤ 1/1.8 (≥ 1.8× throughput on 2 cores)",
        },
    ];
    let table = render(ctx, &rows)?;
    let out = ctx.path("docs/benchmarks.md");
    std::fs::create_dir_all(out.parent().context("docs dir")?)?;
    std::fs::write(&out, &table)?;
    println!("{table}");
    eprintln!("xtask: wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// The median of a criterion benchmark in nanoseconds, from its `estimates.json`.
fn criterion_median(root: &Path, id: &str) -> anyhow::Result<f64> {
    let path = root.join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let value: Value = serde_json::from_str(&text)?;
    value["median"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("no median in {}", path.display()))
}

fn render(ctx: &Ctx, rows: &[Row]) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let cpu = cmd!(
        sh,
        "sh -c 'grep -m1 \"model name\" /proc/cpuinfo | cut -d: -f2'"
    )
    .read()
    .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut out = String::new();
    writeln!(out, "# userhash benchmarks")?;
    writeln!(out)?;
    writeln!(
        out,
        "Written by `cargo xtask bench`. Every figure is a median from one run, read as a ratio to a"
    )?;
    writeln!(
        out,
        "baseline measured in the same run on the same machine; absolute times on shared machines"
    )?;
    writeln!(
        out,
        "drift, the ratios much less. Machine: {} ({cores} cores).",
        cpu.trim()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "| measured | median | baseline | baseline median | ratio | target |"
    )?;
    writeln!(out, "|---|---:|---|---:|---:|---|")?;
    for row in rows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {:.2}× | {} |",
            row.what,
            human(row.nanos),
            row.baseline,
            human(row.baseline_nanos),
            row.nanos / row.baseline_nanos,
            row.target
        )?;
    }
    Ok(out)
}

fn human(nanos: f64) -> String {
    if nanos >= 1e6 {
        format!("{:.2} ms", nanos / 1e6)
    } else if nanos >= 1e3 {
        format!("{:.2} µs", nanos / 1e3)
    } else {
        format!("{nanos:.1} ns")
    }
}
