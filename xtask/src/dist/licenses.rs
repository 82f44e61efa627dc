//! The license texts (`MIT OR Apache-2.0`): at the repository root, and inside every artifact.

use anyhow::{Context as _, ensure};
use xshell::cmd;

use crate::workspace::Ctx;

/// The license files, by name; each artifact carries both.
pub const FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// The crates published to crates.io (the others say `publish = false`).
pub const PUBLISHED_CRATES: [&str; 3] = ["userhash", "userhash-config", "userhash-cli"];

/// Both texts exist at the root and each published crate's package lists them (the crates hold
/// symlinks to the root's files, which `cargo package` follows).
pub fn check_sources(ctx: &Ctx) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    for file in FILES {
        let text = std::fs::read_to_string(ctx.path(file))
            .with_context(|| format!("{file} is missing at the repository root"))?;
        ensure!(text.len() > 500, "{file} looks truncated");
    }
    for krate in PUBLISHED_CRATES {
        let listed = cmd!(
            sh,
            "cargo package --list --allow-dirty --quiet --package {krate}"
        )
        .quiet()
        .read()?;
        for file in FILES {
            ensure!(
                listed.lines().any(|line| line == file),
                "the {krate} crate's package lacks {file}"
            );
        }
    }
    Ok(())
}
