//! The Rust core's benchmark (`crates/userhash/benches/sign.rs`, criterion) for `cargo xtask
//! bench`: its medians are the core's rows and the baselines of the Kotlin and Swift rows.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use crate::bench::{Row, Section};
use crate::workspace::Ctx;

/// Criterion medians of the core, in nanoseconds, by benchmark id.
pub(crate) struct Core {
    /// target/criterion, where each benchmark id has its `new/estimates.json`.
    root: PathBuf,
}

impl Core {
    /// The median of the benchmark `id` (e.g. `sign/userhash_sign`), in nanoseconds.
    pub(crate) fn median(&self, id: &str) -> anyhow::Result<f64> {
        criterion_median(&self.root, id)
    }
}

/// Runs the core's criterion benchmarks (`--quick`: criterion's own quick mode) and returns
/// where their medians are.
pub(crate) fn core(ctx: &Ctx, quick: bool) -> anyhow::Result<Core> {
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

/// The Rust core's rows: the calls against the floor of two compressions and against the `hmac`
/// crate, the diagnosis's search, and the batch on every core.
pub(crate) fn section(core: &Core) -> anyhow::Result<Section> {
    Ok(Section {
        title: "Rust core (criterion)",
        rows: rows(core)?,
        notes: vec![FLOOR_NOTE.to_owned()],
    })
}

/// The core's rows, each against the floor or the `hmac` crate.
fn rows(core: &Core) -> anyhow::Result<Vec<Row>> {
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
    Ok(rows)
}

/// What the floor is, and what `sign_into` adds to it.
const FLOOR_NOTE: &str = "The floor is what an HMAC over an id of up to 55 bytes cannot avoid \
     once the key's pad states are precomputed (a `Signer` does that once): the message block's \
     compression, then the outer one over the inner digest. `sign_into` adds the work of a token \
     around them: the identity's checks, both padded blocks, 32 bytes to 64 hex digits through a \
     byte-pair table, and the UTF-8 check `String` requires (the core forbids `unsafe`, so there \
     is no unchecked conversion) — about 420 instructions per call beyond the compressions, \
     counted with callgrind.";

/// The median of a criterion benchmark in nanoseconds, from its `estimates.json`.
fn criterion_median(root: &Path, id: &str) -> anyhow::Result<f64> {
    let path = root.join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let value: Value = serde_json::from_str(&text)?;
    value["median"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("no median in {}", path.display()))
}
