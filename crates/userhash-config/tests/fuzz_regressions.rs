//! Every input kept in `fuzz/regressions/config/` — the seeds and every crash the `config` fuzz
//! target ever found — replayed through the target's oracle on stable Rust, in every
//! `cargo test`. (The core's targets are replayed by the core's own `fuzz_regressions` test; this
//! oracle needs this crate, which the core cannot depend on.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;

#[path = "../../../fuzz/src/config_oracle.rs"]
mod config_oracle;

#[test]
fn every_kept_config_input_passes_its_oracle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(config_oracle::TARGET);
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| config_oracle::run(&data));
        assert!(outcome.is_ok(), "{} fails its oracle", path.display());
        replayed += 1;
    }
    assert!(replayed > 0, "no inputs kept for {}", config_oracle::TARGET);
}
