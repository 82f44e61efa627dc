//! Reach: release artifacts that install where users run, and the checks that they do.
//!
//! `test` (the `reach` step of `cargo xtask test`) checks the release metadata: one version
//! everywhere, the license texts in the published crates.

mod licenses;
pub mod version;

use crate::report::Outcome;
use crate::workspace::Ctx;

/// The `reach` step of `cargo xtask test`.
pub fn test(ctx: &Ctx) -> Outcome {
    let run = || -> anyhow::Result<String> {
        let versions = version::check(ctx)?;
        licenses::check_sources(ctx)?;
        Ok(format!("{versions}; license texts in the published crates"))
    };
    run().into()
}
