//! The glibc floor: a shared library or program needs, at most, the glibc symbol versions it
//! names in its `.gnu.version_r` section. Every one we ship must name none newer than 2.17 (the
//! manylinux2014 floor: CentOS 7, Amazon Linux 2, Ubuntu 14.04 and everything newer), and link
//! only the C runtime's own libraries.

use std::path::Path;

use anyhow::{Context as _, ensure};
use xshell::cmd;

use crate::workspace::Ctx;

/// The newest glibc any artifact may need.
pub const FLOOR: (u32, u32) = (2, 17);
/// What an artifact may link dynamically: glibc's libraries, its loader, and libgcc's unwinder.
const ALLOWED_NEEDED: [&str; 9] = [
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "libpthread.so.0",
    "librt.so.1",
    "libutil.so.1",
    "libgcc_s.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
];

/// What one file needs, as checked.
pub struct Needs {
    /// The newest `GLIBC_x.y` it names, e.g. "2.17".
    pub newest: String,
}

/// Fails unless `file` is an ELF for `machine` (readelf's name: `Advanced Micro Devices X86-64`,
/// `AArch64`) that needs no glibc symbol newer than [`FLOOR`] and links only glibc's libraries.
pub fn check(ctx: &Ctx, file: &Path, machine: &str) -> anyhow::Result<Needs> {
    let sh = &ctx.sh;
    let header = cmd!(sh, "readelf --file-header {file}")
        .quiet()
        .read()
        .with_context(|| format!("{} is not an ELF file", file.display()))?;
    ensure!(
        header
            .lines()
            .any(|line| line.trim_start().starts_with("Machine:") && line.contains(machine)),
        "{} is not built for {machine}",
        file.display()
    );
    let dynamic = cmd!(sh, "readelf --dynamic --wide {file}").quiet().read()?;
    for needed in dynamic.lines().filter_map(|line| {
        line.contains("(NEEDED)")
            .then(|| line.split('[').nth(1)?.split(']').next())
            .flatten()
    }) {
        ensure!(
            ALLOWED_NEEDED.contains(&needed),
            "{} links {needed}, which is not part of glibc",
            file.display()
        );
    }
    let versions = cmd!(sh, "readelf --version-info --wide {file}")
        .quiet()
        .read()?;
    let mut newest = (0, 0);
    for word in versions.split_whitespace() {
        let Some(version) = word.strip_prefix("GLIBC_") else {
            continue;
        };
        let mut parts = version.split('.').map(str::parse::<u32>);
        let (Some(Ok(major)), Some(Ok(minor))) = (parts.next(), parts.next()) else {
            continue; // GLIBC_PRIVATE and the like
        };
        newest = newest.max((major, minor));
    }
    ensure!(
        newest > (0, 0),
        "{} names no glibc version at all; is it linked dynamically?",
        file.display()
    );
    ensure!(
        newest <= FLOOR,
        "{} needs GLIBC_{}.{}, newer than the {}.{} floor",
        file.display(),
        newest.0,
        newest.1,
        FLOOR.0,
        FLOOR.1
    );
    Ok(Needs {
        newest: format!("{}.{}", newest.0, newest.1),
    })
}
