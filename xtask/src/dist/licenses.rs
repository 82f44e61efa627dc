//! The license texts (`MIT OR Apache-2.0`): at the repository root, and inside every artifact.

use std::path::Path;

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

/// Fails unless the zip archive (wheel, jar) holds both texts, each identical to the root's,
/// under some directory (`*.dist-info/licenses/`, `META-INF/`).
pub fn check_zip(ctx: &Ctx, archive: &Path) -> anyhow::Result<()> {
    let listing = zip_entries(ctx, archive)?;
    for file in FILES {
        let entry = listing
            .iter()
            .find(|name| name.rsplit('/').next() == Some(file))
            .with_context(|| format!("{} holds no {file}", archive.display()))?;
        let inside = unzip_one(ctx, archive, entry)?;
        ensure!(
            inside == std::fs::read(ctx.path(file))?,
            "{}: {entry} differs from the repository's {file}",
            archive.display()
        );
    }
    Ok(())
}

/// Fails unless the `.tar.gz` holds both texts (at any depth).
pub fn check_tar(ctx: &Ctx, archive: &Path) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    let listing = cmd!(sh, "tar -tzf {archive}").quiet().read()?;
    for file in FILES {
        ensure!(
            listing
                .lines()
                .any(|name| name.rsplit('/').next() == Some(file)),
            "{} holds no {file}",
            archive.display()
        );
    }
    Ok(())
}

/// The names in a zip archive, read with Python's zipfile (no unzip binary needed).
fn zip_entries(ctx: &Ctx, archive: &Path) -> anyhow::Result<Vec<String>> {
    let sh = &ctx.sh;
    let script = "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))";
    let listing = cmd!(sh, "python3 -c {script} {archive}").quiet().read()?;
    Ok(listing.lines().map(str::to_owned).collect())
}

/// One entry of a zip archive, as bytes.
fn unzip_one(ctx: &Ctx, archive: &Path, entry: &str) -> anyhow::Result<Vec<u8>> {
    let sh = &ctx.sh;
    let script = "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))";
    let out = cmd!(sh, "python3 -c {script} {archive} {entry}")
        .quiet()
        .output()?;
    Ok(out.stdout)
}
