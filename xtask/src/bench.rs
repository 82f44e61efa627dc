//! `cargo xtask bench`: every benchmark, written to docs/benchmarks.md as ratios against
//! baselines measured in the same run (never as absolute pass/fail thresholds).
//!
//! Parts, each in its own harness: the Rust core (criterion), Python (a timeit script against
//! the stdlib `hmac`), Kotlin/JVM (JMH against `javax.crypto.Mac`), Swift (an executable against
//! a plain-Swift HMAC and the core's criterion figures), and the CLI's `batch` (against a
//! stdlib-only Python script on the same CSV, with peak RSS from `/usr/bin/time`). A part whose
//! toolchain cannot be had is reported as not run, never silently dropped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use crate::workspace::{Ctx, on_path};

/// The parts `--only` can name, in run order.
const PARTS: [&str; 5] = ["core", "python", "kotlin", "swift", "cli"];
/// Rows of the CLI benchmark's CSV: the issue's 10M, or a smoke-sized file.
const CLI_ROWS: u64 = 10_000_000;
const CLI_ROWS_QUICK: u64 = 20_000;
/// The secret the CLI benchmark signs with (a benchmark key, not a real one).
const CLI_SECRET: &str = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8";

/// One row of the results table: a measurement beside the baseline it is read against.
struct Row {
    what: String,
    nanos: f64,
    baseline: String,
    baseline_nanos: f64,
    /// The target as the largest acceptable ratio, and how to say it.
    target: Option<(f64, &'static str)>,
}

impl Row {
    fn new(what: &str, nanos: f64, baseline: &str, baseline_nanos: f64) -> Row {
        Row {
            what: what.to_owned(),
            nanos,
            baseline: baseline.to_owned(),
            baseline_nanos,
            target: None,
        }
    }

    fn target(mut self, max_ratio: f64, said: &'static str) -> Row {
        self.target = Some((max_ratio, said));
        self
    }

    fn ratio(&self) -> f64 {
        self.nanos / self.baseline_nanos
    }
}

/// A titled group of rows, with notes under the table.
struct Section {
    title: &'static str,
    rows: Vec<Row>,
    notes: Vec<String>,
}

/// Runs the benchmarks and writes the table (docs/benchmarks.md, or a scratch file with
/// `--quick`).
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
    let mut sections = Vec::new();
    let mut skipped = Vec::new();
    // The core's criterion figures are the Swift rows' baselines too.
    let core = if wanted("core") || wanted("swift") || wanted("kotlin") {
        Some(core(ctx, quick)?)
    } else {
        None
    };
    if let Some(core) = core.as_ref().filter(|_| wanted("core")) {
        sections.push(core_section(core)?);
    }
    if wanted("python") {
        sections.push(python(ctx, quick)?);
    }
    if wanted("kotlin") {
        let core = core
            .as_ref()
            .context("the Kotlin rows need the core's figures")?;
        match kotlin(ctx, quick, &scratch, core)? {
            Some(section) => sections.push(section),
            None => skipped.push("kotlin (no JDK and Maven could be had)"),
        }
    }
    if wanted("swift") {
        let core = core
            .as_ref()
            .context("the Swift rows need the core's figures")?;
        match swift(ctx, quick, core)? {
            Some(section) => sections.push(section),
            None => skipped.push("swift (no Swift could be had)"),
        }
    }
    if wanted("cli") {
        sections.push(cli(ctx, quick, &scratch)?);
    }
    let machine = Machine::read(ctx, load_before);
    let table = render(&machine, &sections, &skipped, quick)?;
    // Only a full run replaces the committed table; a smoke or partial run goes to scratch.
    let out = if quick {
        scratch.join("benchmarks-quick.md")
    } else if !only.is_empty() {
        scratch.join("benchmarks-partial.md")
    } else {
        ctx.path("docs/benchmarks.md")
    };
    std::fs::create_dir_all(out.parent().context("an output directory")?)?;
    std::fs::write(&out, &table)?;
    println!("{table}");
    eprintln!("xtask: wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

// --- The Rust core (criterion) ---

/// Criterion medians of the core, in nanoseconds, by benchmark id.
struct Core {
    root: PathBuf,
}

impl Core {
    fn median(&self, id: &str) -> anyhow::Result<f64> {
        criterion_median(&self.root, id)
    }
}

fn core(ctx: &Ctx, quick: bool) -> anyhow::Result<Core> {
    let sh = &ctx.sh;
    let quick = quick.then_some("--quick");
    cmd!(
        sh,
        "cargo bench --package userhash --bench sign -- {quick...}"
    )
    .run()?;
    Ok(Core {
        root: ctx.target().join("criterion"),
    })
}

fn core_section(core: &Core) -> anyhow::Result<Section> {
    let one = core.median("sign/floor_one_compression")?;
    let floor = core.median("sign/floor_two_compressions")?;
    let sign = core.median("sign/userhash_sign")?;
    let rows = vec![
        Row::new(
            "two chained SHA-256 compressions (the floor)",
            floor,
            "one SHA-256 compression",
            one,
        ),
        Row::new(
            "`Signer::sign_into` (41-byte id, reused buffer)",
            core.median("sign/userhash_sign_into")?,
            "two chained SHA-256 compressions",
            floor,
        )
        .target(1.25, "≤ 1.25×"),
        Row::new(
            "`Signer::sign_into` (41-byte id, reused buffer)",
            core.median("sign/userhash_sign_into")?,
            "`hmac` crate, keyed once and cloned per call, hex into a stack buffer",
            core.median("sign/baseline_hmac_crate_cloned_key_hex")?,
        )
        .target(0.7, "≤ 0.7×"),
        Row::new(
            "`Signer::sign` (allocates the token)",
            sign,
            "two chained SHA-256 compressions",
            floor,
        ),
        Row::new(
            "`Signer::sign` (allocates the token)",
            sign,
            "`hmac` crate, new key per call + `hex::encode`",
            core.median("sign/baseline_hmac_crate_new_key_hex")?,
        ),
        Row::new(
            "`Signer::sign_at` (Jimo, timestamped)",
            core.median("sign/userhash_sign_at_timestamped")?,
            "two chained SHA-256 compressions",
            floor,
        ),
        Row::new(
            "`Verifier::explain_at`, a forgery no mistake explains (3 keys, the whole search)",
            core.median("diagnosis/explain_mismatch")?,
            "`Verifier::verify_at` rejecting the same token",
            core.median("diagnosis/verify_mismatch")?,
        ),
        Row::new(
            "`Signer::sign_batch`, 100k ids, all cores",
            core.median("batch/all_cores")?,
            "the same batch on one thread",
            core.median("batch/one_thread")?,
        )
        .target(1.0 / 1.8, "≤ 1/1.8 (≥ 1.8× throughput on 2 cores)"),
    ];
    Ok(Section {
        title: "Rust core (criterion)",
        rows,
        notes: vec![
            "The floor is what an HMAC over an id of up to 55 bytes cannot avoid once the key's \
             pad states are precomputed (a `Signer` does that once): the message block's \
             compression, then the outer one over the inner digest. `sign_into` adds the work \
             of a token around them: the identity's checks, both padded blocks, 32 bytes to 64 \
             hex digits through a byte-pair table, and the UTF-8 check `String` requires (the \
             core forbids `unsafe`, so there is no unchecked conversion) — about 420 \
             instructions per call beyond the compressions, counted with callgrind."
                .to_owned(),
        ],
    })
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

// --- Python ---

fn python(ctx: &Ctx, quick: bool) -> anyhow::Result<Section> {
    let output = crate::python::bench(ctx, quick)?;
    let json: Value = serde_json::from_str(&output).context("the Python benchmark's JSON")?;
    let get = |key: &str| number(&json, key, "python");
    let stdlib = get("stdlib_hmac_hexdigest")?;
    let stdlib_verify = get("stdlib_verify")?;
    let count = get("bulk_count")?;
    const HEXDIGEST: &str = "`hmac.new(key, msg, sha256).hexdigest()`";
    const COMPARE: &str = "`hmac.compare_digest(hmac.new(key, msg, sha256).hexdigest(), token)`";
    let halves = get("sign_lines_per_id")? + get("split_tokens_per_id")?;
    let rows = vec![
        Row::new(
            "`Signer.sign` (41-byte id, fast lane)",
            get("sign")?,
            HEXDIGEST,
            stdlib,
        )
        .target(2.0, "≤ 2×"),
        Row::new(
            "`Verifier.verify` (fast lane)",
            get("verify")?,
            COMPARE,
            stdlib_verify,
        )
        .target(3.0, "≤ 3×"),
        Row::new(
            "`Gate.check` under enforce (fast lane)",
            get("check")?,
            COMPARE,
            stdlib_verify,
        )
        .target(3.0, "≤ 3×"),
        Row::new(
            "the generated uniffi `sign` (per-argument conversion)",
            get("generated_sign")?,
            HEXDIGEST,
            stdlib,
        ),
        Row::new(
            "the generated uniffi `verify`",
            get("generated_verify")?,
            COMPARE,
            stdlib_verify,
        ),
        Row::new(
            "the generated uniffi `check`",
            get("generated_check")?,
            COMPARE,
            stdlib_verify,
        ),
        Row::new(
            "one bare ctypes call into the library (no argument; a lane call's floor)",
            get("bare_ctypes_call")?,
            HEXDIGEST,
            stdlib,
        ),
        Row::new(
            &format!("`Signer.sign_many`, {} ids, per id", thousands(count)),
            get("sign_many_per_id")?,
            "a list comprehension over `hmac.new(...).hexdigest()`, per id",
            get("stdlib_hmac_loop_per_id")?,
        )
        .target(0.1, "≤ 0.10× (≥ 10× faster)"),
        Row::new(
            &format!("`Signer.sign_many`, {} ids, per id", thousands(count)),
            get("sign_many_per_id")?,
            "its two halves measured alone, per id: the lane's batch call + making the `str`s",
            halves,
        )
        .target(1.3, "≤ 1.3×"),
        Row::new(
            &format!(
                "of which: signing, one lane `sign_lines` call per {}-id chunk on {} thread(s), per id",
                thousands(get("chunk_size")?),
                get("signing_threads")?
            ),
            get("sign_lines_per_id")?,
            "a list comprehension over `hmac.new(...).hexdigest()`, per id",
            get("stdlib_hmac_loop_per_id")?,
        ),
        Row::new(
            "of which: making the token `str`s from each chunk's text (`str.split`), per id",
            get("split_tokens_per_id")?,
            "a list comprehension over `hmac.new(...).hexdigest()`, per id",
            get("stdlib_hmac_loop_per_id")?,
        ),
    ];
    let version = json["python"].as_str().unwrap_or("?");
    let mut notes = vec![
        format!(
            "CPython {version}. `sign`, `verify` and `check` take the fast lane \
         (bindings/python/src/userhash/_lane.py): one ctypes call into the library's own \
         `userhash_lane_*` symbols with the arguments as borrowed UTF-8, and one text back, \
         parsed into the generated record (`Verified`, `Decision`). The small calls keep the \
         GIL (`ctypes.PyDLL`): releasing and taking it back would cost more than the call. The \
         \"one bare ctypes call\" row is the floor of any ctypes call; the generated rows are \
         what the same calls cost through uniffi's per-argument conversion."
        ),
        String::new(),
        "`sign_many` packs 64k ids at a time with one `str.join` and signs each chunk on a \
         worker thread (the lane's batch call releases the GIL; Rust signs it on every core but \
         one) while this thread packs the next chunk and splits the previous one's text into \
         `str` objects. The two \"of which\" rows are those two halves, each measured alone over \
         the same chunks; overlapped, `sign_many` per id approaches the larger of the two, and \
         the \"two halves\" row says how far from their sum it lands. Making `str` objects holds \
         the GIL, so no binding goes under that row, and it is a cost the stdlib loop pays too."
            .to_owned(),
    ];
    if let Some(profile) = json["generated_sign_profile"].as_array() {
        notes.push(String::new());
        notes.push(
            "Where the generated `sign` spends its time (cProfile, top functions by own time):"
                .to_owned(),
        );
        notes.push(String::new());
        notes.push("```text".to_owned());
        notes.extend(profile.iter().filter_map(Value::as_str).map(shorten_path));
        notes.push("```".to_owned());
    }
    Ok(Section {
        title: "Python (bindings/python/bench/bench_sign.py)",
        rows,
        notes,
    })
}

/// A cProfile line with the site-packages prefix cut, so the table does not show this machine's
/// paths.
fn shorten_path(line: &str) -> String {
    match line.find("site-packages/") {
        Some(at) => {
            let start = line[..at].rfind(' ').map_or(0, |space| space + 1);
            format!("{}{}", &line[..start], &line[at + "site-packages/".len()..])
        }
        None => line.to_owned(),
    }
}

// --- Kotlin / JVM (JMH) ---

fn kotlin(ctx: &Ctx, quick: bool, scratch: &Path, core: &Core) -> anyhow::Result<Option<Section>> {
    let results = scratch.join("jmh.json");
    if !crate::kotlin::bench(ctx, quick, &results)? {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&results)?;
    let json: Value = serde_json::from_str(&text).context("JMH's JSON results")?;
    let get = |name: &str| jmh_median(&json, name);
    let reused = get("macReused")?;
    let verify_baseline = get("macVerifyReused")?;
    const REUSED: &str = "`javax.crypto.Mac`, reused, + `HexFormat`";
    const VERIFY: &str = "`javax.crypto.Mac`, reused, + `HexFormat` + `MessageDigest.isEqual`";
    let direct = get("userhashSignDirect")?;
    let rows = vec![
        Row::new(
            "`signer.sign(userId)` / `sign(identity)` (fast lane, one JNI call, 41-byte id)",
            direct,
            REUSED,
            reused,
        )
        .target(1.5, "≤ 1.5×"),
        Row::new(
            "`verifier.verify(identity, token)` (fast lane)",
            get("userhashVerify")?,
            VERIFY,
            verify_baseline,
        )
        .target(2.0, "≤ 2×"),
        Row::new(
            "`gate.check(identity, token)` under enforce (fast lane)",
            get("userhashCheck")?,
            VERIFY,
            verify_baseline,
        )
        .target(2.0, "≤ 2×"),
        Row::new(
            "Spring Boot `UserHashGateFilter`: what it adds to a request (enforce, a genuine \
             token: the headers, the user, the lane's gate check, the counts, the Micrometer \
             counter, the decision on the request)",
            get("springFilter")? - get("springChainOnly")?,
            VERIFY,
            verify_baseline,
        )
        .target(3.0, "≤ 3×"),
        Row::new(
            "`signer.sign(userId)` (fast lane)",
            direct,
            "`javax.crypto.Mac`, made per call, + `HexFormat`",
            get("macPerCall")?,
        ),
        Row::new(
            "`signer.signUniffi(identity)` (the generated call, through JNA)",
            get("userhashSign")?,
            REUSED,
            reused,
        ),
        Row::new(
            "`verifier.verifyUniffi(...)` (the generated call, through JNA)",
            get("userhashVerifyGenerated")?,
            VERIFY,
            verify_baseline,
        ),
        Row::new(
            "`gate.checkUniffi(...)` (the generated call, through JNA)",
            get("userhashCheckGenerated")?,
            VERIFY,
            verify_baseline,
        ),
        Row::new(
            "`signer.fingerprint()` (generated: no argument, returns a String; the floor of a JNA call)",
            get("userhashCallFloor")?,
            REUSED,
            reused,
        ),
        Row::new(
            "`signMany` (one lane call), 100,000 ids, per id",
            get("userhashSignMany")?,
            "a loop over one reused `Mac`, per id",
            get("macReusedLoop")?,
        )
        .target(0.2, "≤ 0.20× (≥ 5× faster)"),
        Row::new(
            "`signMany` (one lane call), 100,000 ids, per id",
            get("userhashSignMany")?,
            "the Rust core's `sign_batch`, all cores, per id",
            core.median("batch/all_cores")? / 100_000.0,
        )
        .target(1.3, "≤ 1.3×"),
    ];
    let notes = vec![
        "JMH 1.37, average time, median of the measurement iterations. The hot calls — \
         `signer.sign(...)`, `signMany`, `verifier.verify` / `verifyAt`, `gate.check` / `checkAt` \
         — take the fast lane (bindings/kotlin/userhash/src/main/kotlin/dev/userhash/Lane.kt): one JNI \
         call into the library's own lane (crates/userhash-ffi/src/jni.rs), the strings read in \
         place, the lane's own handle (fetched once per object), and one text back, parsed into \
         the generated record. Every other method, and the generated versions of the hot calls \
         (renamed `signUniffi`, `verifyUniffi`, `checkUniffi`, ...), call through JNA: each call \
         builds JNA `Structure`s for the call status, the argument buffers and the returned \
         buffer, clones the handle in a second native call and frees the returned buffer in a \
         third; the `fingerprint()` row is that floor. JNI rather than the Foreign Function & \
         Memory API: FFM needs Java 22+, the jar supports 17, and a fresh machine can install \
         only Debian's JDK 17 through the project's scripts; the JNI lane meets the targets it \
         meets on 17 alone (see the rows)."
            .to_owned(),
        "The filter's row is `FilterBenchmark`: one request through `UserHashGateFilter` \
         (bindings/kotlin/userhash-spring-boot-autoconfigure) to a chain that does nothing, less \
         the same request to that chain alone, with Spring's mock servlet request and response \
         reused (a server's own cost is in neither)."
            .to_owned(),
    ];
    Ok(Some(Section {
        title: "Kotlin/JVM (bindings/kotlin/bench, JMH)",
        rows,
        notes,
    }))
}

/// The median (50th percentile of the iterations) of a JMH benchmark named `...SignBenchmark.name`.
fn jmh_median(json: &Value, name: &str) -> anyhow::Result<f64> {
    let suffix = format!(".{name}");
    let entry = json
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| {
            entry["benchmark"]
                .as_str()
                .is_some_and(|id| id.ends_with(&suffix))
        })
        .with_context(|| format!("JMH ran no benchmark {name}"))?;
    let metric = &entry["primaryMetric"];
    metric["scorePercentiles"]["50.0"]
        .as_f64()
        .or_else(|| metric["score"].as_f64())
        .with_context(|| format!("JMH gave no score for {name}"))
}

// --- Swift ---

fn swift(ctx: &Ctx, quick: bool, core: &Core) -> anyhow::Result<Option<Section>> {
    let Some(output) = crate::swift::bench(ctx, quick)? else {
        return Ok(None);
    };
    // `swift run` may print build chatter first; the result is the last line.
    let line = output.lines().last().unwrap_or_default();
    let json: Value = serde_json::from_str(line).context("the Swift benchmark's JSON")?;
    let get = |key: &str| number(&json, key, "swift");
    let rust_sign = core.median("sign/userhash_sign")?;
    let rust_batch_per_id = core.median("batch/all_cores")? / 100_000.0;
    let count = get("bulk_count")?;
    let rows = vec![
        Row::new(
            "`signer.sign(identity:)` (41-byte id, fast lane)",
            get("sign")?,
            "the Rust core's `Signer::sign` (criterion, above)",
            rust_sign,
        ),
        Row::new(
            "`signer.signUniffi(identity:)` (the generated call)",
            get("sign_generated")?,
            "the Rust core's `Signer::sign` (criterion, above)",
            rust_sign,
        ),
        Row::new(
            "`signer.sign(identity:)` (41-byte id, fast lane)",
            get("sign")?,
            "plain-Swift HMAC-SHA256 + hex, same process",
            get("swift_hmac_hex")?,
        ),
        Row::new(
            "`verifier.verify(identity:token:)` (fast lane)",
            get("verify")?,
            "the Rust core's `Verifier::verify` (criterion, above)",
            core.median("sign/userhash_verify")?,
        )
        .target(2.0, "≤ 2×"),
        Row::new(
            "`gate.check(identity:token:)` under enforce (fast lane)",
            get("check")?,
            "the Rust core's `Verifier::verify` (criterion, above)",
            core.median("sign/userhash_verify")?,
        ),
        Row::new(
            "`verifier.verifyUniffi(identity:token:)` (the generated call)",
            get("verify_generated")?,
            "the Rust core's `Verifier::verify` (criterion, above)",
            core.median("sign/userhash_verify")?,
        ),
        Row::new(
            "`signer.fingerprint()` (no argument, returns a String: the floor of a call)",
            get("fingerprint_call")?,
            "the Rust core's `Signer::sign` (criterion, above)",
            rust_sign,
        ),
        Row::new(
            &format!("`signMany`, {} ids, per id", thousands(count)),
            get("sign_many_per_id")?,
            "the Rust core's `sign_batch`, all cores, per id",
            rust_batch_per_id,
        )
        .target(1.3, "≤ 1.3×"),
        Row::new(
            &format!(
                "`signPacked` alone (the one call, buffers packed beforehand), {} ids, per id",
                thousands(count)
            ),
            get("sign_packed_call_per_id")?,
            "the Rust core's `sign_batch`, all cores, per id",
            rust_batch_per_id,
        ),
        Row::new(
            &format!("`signMany`, {} ids, per id", thousands(count)),
            get("sign_many_per_id")?,
            "a loop of `sign(identity:)`, per id",
            get("sign_loop_per_id")?,
        ),
        Row::new(
            &format!("`signMany`, {} ids, per id", thousands(count)),
            get("sign_many_per_id")?,
            "a loop of plain-Swift HMAC-SHA256, per id",
            get("swift_hmac_loop_per_id")?,
        ),
    ];
    let notes = vec![
        "Built with `swift build -c release`. CryptoKit is Apple-only and swift-crypto needs a \
         network fetch, so the in-process baseline is a plain-Swift HMAC-SHA256 (in the \
         benchmark's source): what a Swift server without a crypto package would write, not an \
         optimised one. The Rust core's figures are from the criterion run above."
            .to_owned(),
    ];
    Ok(Some(Section {
        title: "Swift (bindings/swift/bench)",
        rows,
        notes,
    }))
}

// --- The CLI's batch ---

/// What `/usr/bin/time` measured of one run.
struct Timed {
    seconds: f64,
    peak_rss_kib: Option<u64>,
}

fn cli(ctx: &Ctx, quick: bool, scratch: &Path) -> anyhow::Result<Section> {
    let sh = &ctx.sh;
    cmd!(sh, "cargo build --release --package userhash-cli").run()?;
    let rows = if quick { CLI_ROWS_QUICK } else { CLI_ROWS };
    let input = scratch.join(format!("batch-{rows}.csv"));
    write_csv(&input, rows)?;
    let cli = ctx.target().join("release/userhash");
    let baseline_script = ctx.path("crates/userhash-cli/bench/batch_baseline.py");
    let baseline_out = scratch.join("batch-python.csv");
    let ours_out = scratch.join("batch-userhash.csv");
    let one_thread_out = scratch.join("batch-userhash-1.csv");

    let baseline = timed(
        ctx,
        &[
            "python3".into(),
            baseline_script.into(),
            input.clone().into(),
            baseline_out.clone().into(),
        ],
    )?;
    let ours_args = |out: &Path, threads: Option<&str>| {
        let mut args: Vec<std::ffi::OsString> = vec![
            cli.clone().into(),
            "batch".into(),
            "--scheme".into(),
            "intercom".into(),
            "--secret-env".into(),
            "USERHASH_SECRET".into(),
            "--input".into(),
            input.clone().into(),
            "--output".into(),
            out.into(),
        ];
        if let Some(threads) = threads {
            args.extend(["--threads".into(), threads.into()]);
        }
        args
    };
    let ours = timed(ctx, &ours_args(&ours_out, None))?;
    let one_thread = timed(ctx, &ours_args(&one_thread_out, Some("1")))?;
    anyhow::ensure!(
        same_file(&baseline_out, &ours_out)? && same_file(&ours_out, &one_thread_out)?,
        "userhash batch and the Python baseline wrote different files"
    );
    for file in [&baseline_out, &ours_out, &one_thread_out] {
        std::fs::remove_file(file)?;
    }
    let rss = |timed: &Timed| {
        timed.peak_rss_kib.map_or_else(
            || "peak RSS n/a".to_owned(),
            |kib| format!("peak RSS {}", mib(kib)),
        )
    };
    let what = |threads: &str, timed: &Timed| {
        format!(
            "`userhash batch --scheme intercom`, {} rows, {threads} ({})",
            thousands(rows as f64),
            rss(timed)
        )
    };
    let baseline_what = format!(
        "stdlib Python (`crates/userhash-cli/bench/batch_baseline.py`) ({})",
        rss(&baseline)
    );
    let rows_out = vec![
        Row::new(
            &what("all cores", &ours),
            ours.seconds * 1e9,
            &baseline_what,
            baseline.seconds * 1e9,
        )
        .target(0.1, "≤ 0.10× (≥ 10× faster)"),
        Row::new(
            &what("`--threads 1`", &one_thread),
            one_thread.seconds * 1e9,
            &baseline_what,
            baseline.seconds * 1e9,
        ),
    ];
    let notes = vec![format!(
        "One run each on the same {}-row CSV (`user_id,plan`), wall-clock and peak RSS from \
         `/usr/bin/time`; the three output files are byte-identical. The input is streamed in \
         chunks of `--chunk-rows` rows (reader, signing threads and writer overlap), so memory \
         does not grow with the file.",
        thousands(rows as f64)
    )];
    Ok(Section {
        title: "The `userhash batch` command",
        rows: rows_out,
        notes,
    })
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
fn timed(ctx: &Ctx, args: &[std::ffi::OsString]) -> anyhow::Result<Timed> {
    const MARK: &str = "USERHASH_BENCH_TIME";
    let sh = &ctx.sh;
    let time = Path::new("/usr/bin/time");
    let started = std::time::Instant::now();
    let (program, rest) = args.split_first().context("a command")?;
    if !time.is_file() {
        cmd!(sh, "{program} {rest...}")
            .env("USERHASH_SECRET", CLI_SECRET)
            .ignore_stdout()
            .run()?;
        return Ok(Timed {
            seconds: started.elapsed().as_secs_f64(),
            peak_rss_kib: None,
        });
    }
    let format = format!("{MARK} %e %M");
    let output = cmd!(sh, "{time} -f {format} {args...}")
        .env("USERHASH_SECRET", CLI_SECRET)
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

// --- The table ---

fn number(json: &Value, key: &str, part: &str) -> anyhow::Result<f64> {
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

fn ratio(value: f64) -> String {
    if value < 0.1 {
        format!("{value:.3}×")
    } else {
        format!("{value:.2}×")
    }
}

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

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// `10000000` as `10,000,000`.
fn thousands(value: f64) -> String {
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
