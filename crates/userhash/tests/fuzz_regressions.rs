//! Every input kept in `fuzz/regressions/` — the seeds and every crash the fuzzers ever found —
//! replayed through the same oracles the fuzz targets run, on stable Rust, in every `cargo test`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;

#[path = "../../../fuzz/src/oracles.rs"]
mod oracles;

#[test]
fn every_kept_input_passes_its_oracle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    for target in oracles::TARGETS {
        let mut replayed = 0;
        for entry in std::fs::read_dir(root.join(target)).unwrap() {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| oracles::run(target, &data));
            assert!(
                outcome.is_ok(),
                "{target}: {} fails its oracle",
                path.display()
            );
            replayed += 1;
        }
        assert!(replayed > 0, "no inputs kept for {target}");
    }
}
