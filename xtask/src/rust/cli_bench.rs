//! The CLI's `batch` benchmark for `cargo xtask bench`: `userhash batch` on all cores and on one
//! thread against a stdlib-only Python script (`crates/userhash-cli/bench/batch_baseline.py`) on
//! the same CSV, each run once under `/usr/bin/time` (wall-clock and peak RSS), the three
//! outputs compared byte for byte.

use std::ffi::OsString;
use std::path::Path;

use anyhow::Context as _;
use xshell::cmd;

use crate::bench::{Row, Section, mib, thousands};
use crate::workspace::Ctx;

/// Rows of the benchmark's CSV: the 10M, or a smoke-sized file.
const ROWS: u64 = 10_000_000;
/// Rows of the `--quick` CSV.
const ROWS_QUICK: u64 = 20_000;
/// The secret the benchmark signs with (a benchmark key, not a real one).
const SECRET: &str = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8";
/// The stdlib-only baseline.
const BASELINE_SCRIPT: &str = "crates/userhash-cli/bench/batch_baseline.py";

/// What `/usr/bin/time` measured of one run.
struct Timed {
    seconds: f64,
    peak_rss_kib: Option<u64>,
}

/// The three timed runs over one CSV.
struct Runs {
    rows: u64,
    baseline: Timed,
    all_cores: Timed,
    one_thread: Timed,
}

/// Builds the release CLI, times the three runs, checks their outputs agree, and makes the rows.
pub(crate) fn section(ctx: &Ctx, quick: bool, scratch: &Path) -> anyhow::Result<Section> {
    let sh = &ctx.sh;
    cmd!(sh, "cargo build --release --package userhash-cli").run()?;
    let rows = if quick { ROWS_QUICK } else { ROWS };
    let input = scratch.join(format!("batch-{rows}.csv"));
    write_csv(&input, rows)?;
    let runs = time_runs(ctx, scratch, &input, rows)?;
    Ok(Section {
        title: "The `userhash batch` command",
        rows: table_rows(&runs),
        notes: vec![format!(
            "One run each on the same {}-row CSV (`user_id,plan`), wall-clock and peak RSS from \
             `/usr/bin/time`; the three output files are byte-identical. The input is streamed in \
             chunks of `--chunk-rows` rows (reader, signing threads and writer overlap), so memory \
             does not grow with the file.",
            thousands(rows as f64)
        )],
    })
}

/// The baseline script, then `userhash batch` on all cores and with `--threads 1`, over `input`;
/// fails when their outputs differ.
fn time_runs(ctx: &Ctx, scratch: &Path, input: &Path, rows: u64) -> anyhow::Result<Runs> {
    let cli = ctx.target().join("release/userhash");
    let baseline_out = scratch.join("batch-python.csv");
    let ours_out = scratch.join("batch-userhash.csv");
    let one_thread_out = scratch.join("batch-userhash-1.csv");
    let baseline = timed(
        ctx,
        &[
            "python3".into(),
            ctx.path(BASELINE_SCRIPT).into(),
            input.into(),
            baseline_out.clone().into(),
        ],
    )?;
    let all_cores = timed(ctx, &batch_args(&cli, input, &ours_out, None))?;
    let one_thread = timed(ctx, &batch_args(&cli, input, &one_thread_out, Some("1")))?;
    anyhow::ensure!(
        same_file(&baseline_out, &ours_out)? && same_file(&ours_out, &one_thread_out)?,
        "userhash batch and the Python baseline wrote different files"
    );
    for file in [&baseline_out, &ours_out, &one_thread_out] {
        std::fs::remove_file(file)?;
    }
    Ok(Runs {
        rows,
        baseline,
        all_cores,
        one_thread,
    })
}

/// `userhash batch --scheme intercom` from `input` to `out`, on `threads` (default: all cores).
fn batch_args(cli: &Path, input: &Path, out: &Path, threads: Option<&str>) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        cli.into(),
        "batch".into(),
        "--scheme".into(),
        "intercom".into(),
        "--secret-env".into(),
        "USERHASH_SECRET".into(),
        "--input".into(),
        input.into(),
        "--output".into(),
        out.into(),
    ];
    if let Some(threads) = threads {
        args.extend(["--threads".into(), threads.into()]);
    }
    args
}

/// The two rows: all cores (with its target) and one thread, each against the baseline.
fn table_rows(runs: &Runs) -> Vec<Row> {
    let what = |threads: &str, timed: &Timed| {
        format!(
            "`userhash batch --scheme intercom`, {} rows, {threads} ({})",
            thousands(runs.rows as f64),
            rss(timed)
        )
    };
    let baseline_what = format!(
        "stdlib Python (`{BASELINE_SCRIPT}`) ({})",
        rss(&runs.baseline)
    );
    let baseline = runs.baseline.seconds * 1e9;
    vec![
        Row::new(
            &what("all cores", &runs.all_cores),
            runs.all_cores.seconds * 1e9,
            &baseline_what,
            baseline,
        )
        .target(0.1, "≤ 0.10× (≥ 10× faster)"),
        Row::new(
            &what("`--threads 1`", &runs.one_thread),
            runs.one_thread.seconds * 1e9,
            &baseline_what,
            baseline,
        ),
    ]
}

/// A run's peak RSS as the table says it.
fn rss(timed: &Timed) -> String {
    timed.peak_rss_kib.map_or_else(
        || "peak RSS n/a".to_owned(),
        |kib| format!("peak RSS {}", mib(kib)),
    )
}

/// A CSV of `rows` identities, written once and kept between runs.
fn write_csv(path: &Path, rows: u64) -> anyhow::Result<()> {
    use std::io::Write as _;
    if path.exists() {
        return Ok(());
    }
    let partial = path.with_extension("partial");
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&partial)?);
    writeln!(out, "user_id,plan")?;
    for i in 0..rows {
        let plan = ["free", "pro", "team"][(i % 3) as usize];
        writeln!(out, "user-{i:09},{plan}")?;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// Runs a command under `/usr/bin/time` (wall seconds and peak RSS), or timed here when that
/// is missing (no RSS then).
fn timed(ctx: &Ctx, args: &[OsString]) -> anyhow::Result<Timed> {
    const MARK: &str = "USERHASH_BENCH_TIME";
    let sh = &ctx.sh;
    let time = Path::new("/usr/bin/time");
    let started = std::time::Instant::now();
    let (program, rest) = args.split_first().context("a command")?;
    if !time.is_file() {
        cmd!(sh, "{program} {rest...}")
            .env("USERHASH_SECRET", SECRET)
            .ignore_stdout()
            .run()?;
        return Ok(Timed {
            seconds: started.elapsed().as_secs_f64(),
            peak_rss_kib: None,
        });
    }
    let format = format!("{MARK} %e %M");
    let output = cmd!(sh, "{time} -f {format} {args...}")
        .env("USERHASH_SECRET", SECRET)
        .ignore_stdout()
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "{:?} failed: {}",
        args,
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(MARK))
        .context("/usr/bin/time printed no figures")?;
    let mut fields = line.split_whitespace();
    let seconds = fields.next().and_then(|s| s.parse().ok());
    let peak_rss_kib = fields.next().and_then(|s| s.parse().ok());
    Ok(Timed {
        seconds: seconds.unwrap_or_else(|| started.elapsed().as_secs_f64()),
        peak_rss_kib,
    })
}

/// True when two files have the same bytes (read in chunks: they can be gigabytes).
fn same_file(a: &Path, b: &Path) -> anyhow::Result<bool> {
    use std::io::Read as _;
    if std::fs::metadata(a)?.len() != std::fs::metadata(b)?.len() {
        return Ok(false);
    }
    let (mut a, mut b) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    let (mut left, mut right) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let read = a.read(&mut left)?;
        if read == 0 {
            return Ok(true);
        }
        b.read_exact(&mut right[..read])?;
        if left[..read] != right[..read] {
            return Ok(false);
        }
    }
}
