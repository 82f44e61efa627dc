//! `cargo xtask bench`: every benchmark, written to docs/benchmarks.md as ratios against
//! baselines measured in the same run (never as absolute pass/fail thresholds).
//!
//! Parts, each in its own harness, each driven from beside its xtask module: the Rust core
//! (criterion, `rust/bench.rs`); Python (timeit scripts against the stdlib `hmac`: the calls,
//! `sign_many` and the Arrow columns, `python/bench.rs`); Kotlin/JVM (JMH against
//! `javax.crypto.Mac`, `kotlin/bench.rs`); Swift (an executable against a plain-Swift HMAC and
//! the core's criterion figures, `swift/bench.rs`); Spark (PySpark and the JVM module in local
//! mode against Spark's `sha2`, `spark/bench.rs`); and the CLI's `batch` (against a stdlib-only
//! Python script on the same CSV, with peak RSS from `/usr/bin/time`, `rust/cli_bench.rs`). This
//! module holds what they share: the run, `--only` and `--quick`, the row and table model, and
//! the writing of the table. A part whose toolchain cannot be had is reported as not run, never
//! silently dropped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use crate::rust::bench::Core;
use crate::workspace::{Ctx, on_path};
use crate::{kotlin, python, rust, spark, swift};

/// The parts `--only` can name, in run order.
const PARTS: [&str; 6] = ["core", "python", "kotlin", "swift", "spark", "cli"];

/// One row of the results table: a measurement beside the baseline it is read against.
pub(crate) struct Row {
    what: String,
    nanos: f64,
    baseline: String,
    baseline_nanos: f64,
    /// The target as the largest acceptable ratio, and how to say it.
    target: Option<(f64, &'static str)>,
}

impl Row {
    /// A measurement (`what`, in nanoseconds) beside its baseline, with no target.
    pub(crate) fn new(what: &str, nanos: f64, baseline: &str, baseline_nanos: f64) -> Row {
        Row {
            what: what.to_owned(),
            nanos,
            baseline: baseline.to_owned(),
            baseline_nanos,
            target: None,
        }
    }

    /// The same row with a target: the largest acceptable ratio, and how the table says it.
    pub(crate) fn target(mut self, max_ratio: f64, said: &'static str) -> Row {
        self.target = Some((max_ratio, said));
        self
    }

    /// The measurement over its baseline (below 1 is faster).
    fn ratio(&self) -> f64 {
        self.nanos / self.baseline_nanos
    }
}

/// A titled group of rows, with notes under the table.
pub(crate) struct Section {
    /// The section's heading.
    pub(crate) title: &'static str,
    /// Its rows, in table order.
    pub(crate) rows: Vec<Row>,
    /// Paragraphs under the table (an empty string is a blank line).
    pub(crate) notes: Vec<String>,
}

/// The sections a run measured, and the parts it could not run (with why).
#[derive(Default)]
struct Measured {
    sections: Vec<Section>,
    skipped: Vec<&'static str>,
}

/// Runs the benchmarks and writes the table (docs/benchmarks.md, or a scratch file with
/// `--quick` or `--only`).
pub fn run(ctx: &Ctx, quick: bool, only: &[String]) -> anyhow::Result<ExitCode> {
    if let Some(unknown) = only.iter().find(|part| !PARTS.contains(&part.as_str())) {
        anyhow::bail!(
            "--only: no part {unknown:?}; the parts are {}",
            PARTS.join(", ")
        );
    }
    let wanted = |part: &str| only.is_empty() || only.iter().any(|chosen| chosen == part);
    let scratch = ctx.scratch().join("bench");
    std::fs::create_dir_all(&scratch)?;
    let load_before = load_average();
    let measured = measure(ctx, quick, &wanted, &scratch)?;
    let machine = Machine::read(ctx, load_before);
    let table = render(&machine, &measured.sections, &measured.skipped, quick)?;
    let out = output_path(ctx, &scratch, quick, only);
    std::fs::create_dir_all(out.parent().context("an output directory")?)?;
    std::fs::write(&out, &table)?;
    println!("{table}");
    eprintln!("xtask: wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Runs each wanted part in order, each through its language's driver.
fn measure(
    ctx: &Ctx,
    quick: bool,
    wanted: &dyn Fn(&str) -> bool,
    scratch: &Path,
) -> anyhow::Result<Measured> {
    let mut measured = Measured::default();
    // The core's criterion figures are the Arrow, Kotlin and Swift rows' baselines too.
    let core = if ["core", "python", "kotlin", "swift"]
        .into_iter()
        .any(wanted)
    {
        Some(rust::bench::core(ctx, quick)?)
    } else {
        None
    };
    let needed = |part: &str| -> anyhow::Result<&Core> {
        core.as_ref()
            .with_context(|| format!("the {part} rows need the core's figures"))
    };
    if let Some(core) = core.as_ref().filter(|_| wanted("core")) {
        measured.sections.push(rust::bench::section(core)?);
    }
    if wanted("python") {
        let sections = python::bench::sections(ctx, quick, needed("Python")?)?;
        measured.sections.extend(sections);
    }
    if wanted("kotlin") {
        let section = kotlin::bench::section(ctx, quick, scratch, needed("Kotlin")?)?;
        measured.add(section, "kotlin (no JDK and Maven could be had)");
    }
    if wanted("swift") {
        let section = swift::bench::section(ctx, quick, needed("Swift")?)?;
        measured.add(section, "swift (no Swift could be had)");
    }
    if wanted("spark") {
        let section = spark::bench::section(ctx, quick)?;
        measured.add(section, "spark (no JDK could be had)");
    }
    if wanted("cli") {
        measured
            .sections
            .push(rust::cli_bench::section(ctx, quick, scratch)?);
    }
    Ok(measured)
}

impl Measured {
    /// A part's section, or, when it could not run here, the reason among the skipped.
    fn add(&mut self, section: Option<Section>, skipped: &'static str) {
        match section {
            Some(section) => self.sections.push(section),
            None => self.skipped.push(skipped),
        }
    }
}

/// Where the table goes: only a full run replaces the committed table; a smoke or partial run
/// goes to scratch.
fn output_path(ctx: &Ctx, scratch: &Path, quick: bool, only: &[String]) -> PathBuf {
    if quick {
        scratch.join("benchmarks-quick.md")
    } else if !only.is_empty() {
        scratch.join("benchmarks-partial.md")
    } else {
        ctx.path("docs/benchmarks.md")
    }
}

// --- The table ---

/// The number `key` of a harness's JSON, or an error naming the part that left it out.
pub(crate) fn number(json: &Value, key: &str, part: &str) -> anyhow::Result<f64> {
    json[key]
        .as_f64()
        .with_context(|| format!("the {part} benchmark gave no {key}"))
}

/// What the table says of the machine.
struct Machine {
    cpu: String,
    cores: usize,
    load_before: String,
    load_after: String,
    toolchains: Vec<String>,
}

impl Machine {
    /// The CPU, its cores, the load and the toolchains' versions, read now.
    fn read(ctx: &Ctx, load_before: String) -> Machine {
        let sh = &ctx.sh;
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split_once(':'))
                    .map(|(_, name)| name.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let sha = std::fs::read_to_string("/proc/cpuinfo")
            .is_ok_and(|info| info.split_whitespace().any(|flag| flag == "sha_ni"));
        let version = |program: &str, args: &[&str]| -> Option<String> {
            if !on_path(program) {
                return None;
            }
            let out = cmd!(sh, "{program} {args...}")
                .quiet()
                .ignore_status()
                .output()
                .ok()?;
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            text.lines().next().map(|line| line.trim().to_owned())
        };
        let toolchains = [
            version("rustc", &["--version"]),
            version("python3", &["--version"]),
            version("java", &["-version"]),
        ]
        .into_iter()
        .flatten()
        .collect();
        Machine {
            cpu: format!("{cpu}{}", if sha { ", SHA-NI" } else { "" }),
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            load_before,
            load_after: load_average(),
            toolchains,
        }
    }
}

/// The 1-minute load average: a busy machine skews the figures, so the table says it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// The whole table as Markdown: the machine, then each section's rows and notes.
fn render(
    machine: &Machine,
    sections: &[Section],
    skipped: &[&str],
    quick: bool,
) -> anyhow::Result<String> {
    let mut out = String::new();
    writeln!(out, "# userhash benchmarks")?;
    writeln!(out)?;
    if quick {
        writeln!(
            out,
            "**Smoke run (`--quick`): tiny counts, to check that every benchmark runs. These \
             figures mean nothing.**"
        )?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "Written by `cargo xtask bench`. Every figure is a median from one run, read as a ratio to a \
         baseline measured in the same run on the same machine; absolute times on shared machines \
         drift, the ratios much less. A ratio below 1 is faster than its baseline. \"met\" compares \
         the ratio with the issue's target."
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Machine: {} ({} cores). Load average (1 min) {} at the start, {} at the end. {}.",
        machine.cpu,
        machine.cores,
        machine.load_before,
        machine.load_after,
        machine.toolchains.join("; ")
    )?;
    for section in sections {
        writeln!(out)?;
        writeln!(out, "## {}", section.title)?;
        writeln!(out)?;
        writeln!(
            out,
            "| measured | median | baseline | baseline median | ratio | target |"
        )?;
        writeln!(out, "|---|---:|---|---:|---:|---|")?;
        for row in &section.rows {
            let target = match row.target {
                Some((max, said)) if row.ratio() <= max => format!("{said}: met"),
                Some((_, said)) => format!("{said}: **not met**"),
                None => String::new(),
            };
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                row.what,
                human(row.nanos),
                row.baseline,
                human(row.baseline_nanos),
                ratio(row.ratio()),
                target
            )?;
        }
        if !section.notes.is_empty() {
            writeln!(out)?;
            for note in &section.notes {
                writeln!(out, "{note}")?;
            }
        }
    }
    if !skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "Not run on this machine: {}.", skipped.join(", "))?;
    }
    Ok(out)
}

/// A ratio as the table prints it (three decimals below 0.1).
fn ratio(value: f64) -> String {
    if value < 0.1 {
        format!("{value:.3}×")
    } else {
        format!("{value:.2}×")
    }
}

/// Nanoseconds in the largest unit that keeps them at or above 1.
fn human(nanos: f64) -> String {
    if nanos >= 1e9 {
        format!("{:.2} s", nanos / 1e9)
    } else if nanos >= 1e6 {
        format!("{:.2} ms", nanos / 1e6)
    } else if nanos >= 1e3 {
        format!("{:.2} µs", nanos / 1e3)
    } else {
        format!("{nanos:.1} ns")
    }
}

/// KiB as whole MiB.
pub(crate) fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// `10000000` as `10,000,000`.
pub(crate) fn thousands(value: f64) -> String {
    let digits = format!("{value:.0}");
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
