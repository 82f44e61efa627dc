//! The Swift binding's benchmark for `cargo xtask bench` (and, with `--quick`, `test`'s smoke
//! run): the executable `bindings/swift/bench`, built in release mode, its JSON made into rows
//! against the core's criterion figures and a plain-Swift HMAC.

use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;

use super::toolchain::Swift;
use super::{ready, swiftpm};
use crate::bench::{Row, Section, number, thousands};
use crate::rust::bench::Core;
use crate::workspace::Ctx;

/// The benchmark executable, a SwiftPM package of its own depending on the binding by path.
const PACKAGE: &str = "bindings/swift/bench";

/// `swift build -c release` of the benchmark, then one run of it.
pub(crate) fn run_executable(
    ctx: &Ctx,
    swift: &Swift,
    lib: &Path,
    quick: bool,
) -> anyhow::Result<String> {
    let release = ["-c".into(), "release".into()];
    let mut build = swiftpm(ctx, "build", PACKAGE, lib);
    build.extend(release.clone());
    swift.run(ctx, &build, &[])?;
    let mut run = swiftpm(ctx, "run", PACKAGE, lib);
    run.extend(release);
    run.extend(["--skip-build".into(), "userhash-bench".into()]);
    if quick {
        run.push("--quick".into());
    }
    swift.read(ctx, &run, &[])
}

/// Builds and runs the benchmark and makes the Swift section; `None` when no Swift can be had
/// here.
pub(crate) fn section(ctx: &Ctx, quick: bool, core: &Core) -> anyhow::Result<Option<Section>> {
    let Some((swift, lib)) = ready(ctx)? else {
        return Ok(None);
    };
    let output = run_executable(ctx, &swift, &lib, quick)?;
    // `swift run` may print build chatter first; the result is the last line.
    let line = output.lines().last().unwrap_or_default();
    let json: Value = serde_json::from_str(line).context("the Swift benchmark's JSON")?;
    Ok(Some(Section {
        title: "Swift (bindings/swift/bench)",
        rows: rows(&json, core)?,
        notes: vec![BASELINE_NOTE.to_owned()],
    }))
}

/// The Swift rows, each against the core's criterion figures or a plain-Swift HMAC.
fn rows(json: &Value, core: &Core) -> anyhow::Result<Vec<Row>> {
    let get = |key: &str| number(json, key, "swift");
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
    Ok(rows)
}

/// How the benchmark is built, and why its in-process baseline is a plain-Swift HMAC.
const BASELINE_NOTE: &str = "Built with `swift build -c release`. CryptoKit is Apple-only and \
     swift-crypto needs a network fetch, so the in-process baseline is a plain-Swift HMAC-SHA256 \
     (in the benchmark's source): what a Swift server without a crypto package would write, not \
     an optimised one. The Rust core's figures are from the criterion run above.";
