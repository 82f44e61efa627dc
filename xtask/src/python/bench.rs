//! The Python binding's benchmarks for `cargo xtask bench` (and, with `--quick`, `test`'s smoke
//! run), against the installed wheel: `bindings/python/bench/bench_sign.py` (the calls and
//! `sign_many`, against the stdlib `hmac`) and `bindings/python/bench/bench_arrow.py`
//! (`userhash.arrow.sign` on a pyarrow array and a Polars series, against the stdlib loop and the
//! core's `sign_batch`), each printing one JSON object of medians made into rows here.

use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use super::{ARROW_REQUIREMENTS, built_wheel, fresh_venv_with_wheel};
use crate::bench::{Row, Section, number, thousands};
use crate::rust::bench::Core;
use crate::workspace::Ctx;

/// The calls' and `sign_many`'s harness.
const SIGN_SCRIPT: &str = "bindings/python/bench/bench_sign.py";
/// The Arrow columns' harness (needs pyarrow and Polars).
const ARROW_SCRIPT: &str = "bindings/python/bench/bench_arrow.py";
/// The ids in the core's `batch` benchmark (crates/userhash/benches/sign.rs).
const CORE_BATCH_IDS: f64 = 100_000.0;

/// Runs both harnesses with tiny counts with `python` (whose environment has the wheel, pyarrow
/// and Polars): `test`'s proof that they still run.
pub(crate) fn smoke(ctx: &Ctx, python: &Path) -> anyhow::Result<()> {
    run_script(ctx, python, SIGN_SCRIPT, true)?;
    run_script(ctx, python, ARROW_SCRIPT, true)?;
    Ok(())
}

/// Runs a harness with `python`, from outside the repository so that `import userhash` finds
/// the installed wheel; its stdout is one JSON object of medians (see the script).
fn run_script(ctx: &Ctx, python: &Path, script: &str, quick: bool) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let script = ctx.path(script);
    let quick = quick.then_some("--quick");
    let _outside = sh.push_dir(ctx.scratch());
    Ok(cmd!(sh, "{python} {script} {quick...}").read()?)
}

/// Runs both harnesses against a freshly built wheel (the calls' in a virtualenv holding the
/// wheel alone, then the Arrow one after adding the arrow extra and Polars) and makes the
/// Python sections; the core's criterion figures are the Arrow rows' second baseline.
pub(crate) fn sections(ctx: &Ctx, quick: bool, core: &Core) -> anyhow::Result<Vec<Section>> {
    let python = fresh_venv_with_wheel(ctx)?.join("bin/python");
    let output = run_script(ctx, &python, SIGN_SCRIPT, quick)?;
    let json: Value = serde_json::from_str(&output).context("the Python benchmark's JSON")?;
    let calls = Section {
        title: "Python (bindings/python/bench/bench_sign.py)",
        rows: rows(&json)?,
        notes: notes(&json),
    };
    install_arrow(ctx, &python)?;
    let output = run_script(ctx, &python, ARROW_SCRIPT, quick)?;
    let json: Value = serde_json::from_str(&output).context("the Arrow benchmark's JSON")?;
    Ok(vec![calls, arrow_section(&json, core)?])
}

/// Adds the wheel's arrow extra and the Arrow suite's pyarrow and Polars to the virtualenv.
fn install_arrow(ctx: &Ctx, python: &Path) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    let with_arrow = format!("{}[arrow]", built_wheel(ctx)?.display());
    let requirements = ctx.path(ARROW_REQUIREMENTS);
    cmd!(
        sh,
        "{python} -m pip install --quiet {with_arrow} --requirement {requirements}"
    )
    .run()?;
    Ok(())
}

/// The binding's rows, each against the stdlib `hmac` (or, for `sign_many`, its own halves).
fn rows(json: &Value) -> anyhow::Result<Vec<Row>> {
    let get = |key: &str| number(json, key, "python");
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
    Ok(rows)
}

/// What the fast lane is, how `sign_many` overlaps its halves, and the generated `sign`'s profile.
fn notes(json: &Value) -> Vec<String> {
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
    notes
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

/// The Arrow rows: `userhash.arrow.sign` per id against the stdlib loop and against the core's
/// `sign_batch`, and the core against the stdlib loop (the best any binding could do here).
fn arrow_section(json: &Value, core: &Core) -> anyhow::Result<Section> {
    let get = |key: &str| number(json, key, "arrow");
    let count = thousands(get("count")?);
    let stdlib = get("stdlib_hmac_loop_per_id")?;
    let arrow = get("arrow_sign_per_id")?;
    let core_per_id = core.median("batch/all_cores")? / CORE_BATCH_IDS;
    const STDLIB: &str = "a list comprehension over `hmac.new(...).hexdigest()`, per id";
    const CORE: &str = "the Rust core's `sign_batch`, all cores, per id (criterion, above)";
    let pyarrow =
        format!("`userhash.arrow.sign`, a pyarrow string array of {count} ids → tokens, per id");
    let rows = vec![
        Row::new(&pyarrow, arrow, STDLIB, stdlib).target(0.05, "≤ 0.05× (≥ 20× faster)"),
        Row::new(&pyarrow, arrow, CORE, core_per_id).target(1.3, "≤ 1.3×"),
        Row::new(
            &format!("`userhash.arrow.sign`, a Polars `Series` of {count} ids, per id"),
            get("polars_sign_per_id")?,
            STDLIB,
            stdlib,
        ),
        Row::new(
            "the Rust core's `sign_batch`, all cores, per id (what bounds any binding here)",
            core_per_id,
            STDLIB,
            stdlib,
        ),
    ];
    let versions = format!(
        "pyarrow {}, Polars {}.",
        json["pyarrow"].as_str().unwrap_or("?"),
        json["polars"].as_str().unwrap_or("?")
    );
    Ok(Section {
        title: "Python: Arrow columns (bindings/python/bench/bench_arrow.py)",
        rows,
        notes: vec![format!("{versions} {ARROW_NOTE}")],
    })
}

/// What the Arrow call does, and what its baselines are.
const ARROW_NOTE: &str = "`userhash.arrow.sign` reads the column's buffers in place through the \
     Arrow C data interface (crates/userhash-ffi/src/lane/arrow.rs), signs on every core with the \
     GIL released, and returns one Arrow array whose buffers Rust filled: no Python object per \
     row. A Polars `Series` is handed over through the Arrow PyCapsule protocol. The stdlib \
     baseline is the loop a backfill script would write over the same ids as a Python list; the \
     core's baseline is criterion's `batch/all_cores` (100,000 ids of the same shape) per id. The \
     last row is the core alone against the stdlib loop: no binding can beat it, so where it \
     misses 20× on this machine's cores the Arrow row cannot meet that target either.";
