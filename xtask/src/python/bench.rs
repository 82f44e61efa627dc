//! The Python binding's benchmark for `cargo xtask bench` (and, with `--quick`, `test`'s smoke
//! run): `bindings/python/bench/bench_sign.py` against the installed wheel, its JSON made into
//! rows against the stdlib `hmac`.

use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use super::fresh_venv_with_wheel;
use crate::bench::{Row, Section, number, thousands};
use crate::workspace::Ctx;

/// The binding's benchmark harness, run by `bench` (and, with `--quick`, by `test` as a smoke).
const SCRIPT: &str = "bindings/python/bench/bench_sign.py";

/// Runs the benchmark script with `python`, from outside the repository so that `import
/// userhash` finds the installed wheel; its stdout is one JSON object of medians (see the
/// script).
pub(crate) fn run_script(ctx: &Ctx, python: &Path, quick: bool) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let script = ctx.path(SCRIPT);
    let quick = quick.then_some("--quick");
    let _outside = sh.push_dir(ctx.scratch());
    Ok(cmd!(sh, "{python} {script} {quick...}").read()?)
}

/// Runs the harness against a freshly built wheel and makes the Python section.
pub(crate) fn section(ctx: &Ctx, quick: bool) -> anyhow::Result<Section> {
    let python = fresh_venv_with_wheel(ctx)?.join("bin/python");
    let output = run_script(ctx, &python, quick)?;
    let json: Value = serde_json::from_str(&output).context("the Python benchmark's JSON")?;
    Ok(Section {
        title: "Python (bindings/python/bench/bench_sign.py)",
        rows: rows(&json)?,
        notes: notes(&json),
    })
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
