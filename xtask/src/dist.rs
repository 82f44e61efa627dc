//! Reach: release artifacts that install where users run, and the checks that they do.
//!
//! - Linux x86-64 and aarch64, glibc 2.17 and later (manylinux2014): x86-64 is built on the
//!   host, aarch64 in a cached Debian trixie chroot with rustc 1.85 (the declared
//!   `rust-version`, so that build is the MSRV check); zig links both against glibc 2.17
//!   (`dist/build.rs`, `dist/cross.rs`).
//! - Every shared library and program is checked for the glibc floor (`dist/glibc.rs`), and run
//!   where it will run: the wheels in a Python of their architecture, the jar in a JVM of each,
//!   the CLI (`dist/smoke.rs`), aarch64 under qemu.
//! - `test` (the `reach` step of `cargo xtask test`) does all of that over a subset of the
//!   vectors, and checks the release metadata; `dist` runs every vector and writes `dist/`.
//!
//! macOS and Windows: no SDK or std for them can be had here, so nothing is claimed for them;
//! the READMEs give the one command (`cargo build --release --target <triple>`, `maturin build
//! --release --target <triple>`) to run on such a machine.

mod build;
mod cross;
mod glibc;
mod jar;
mod licenses;
mod package;
mod smoke;
pub mod version;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::cmd;

use crate::report::Outcome;
use crate::workspace::{Ctx, on_path};
use build::Built;
use cross::Cross;
use smoke::Coverage;

/// The `reach` step of `cargo xtask test`: the release metadata, both platforms' release builds
/// against the glibc floor, and the smoke runs (aarch64 under qemu).
pub fn test(ctx: &Ctx) -> Outcome {
    let run = || -> anyhow::Result<Result<String, String>> {
        let versions = version::check(ctx)?;
        licenses::check_sources(ctx)?;
        let cross = match Cross::ready(ctx)? {
            Ok(cross) => cross,
            Err(why) => {
                return Ok(Err(format!(
                    "the release metadata is fine ({versions}), but no aarch64 build or run can be had here: {why}"
                )));
            }
        };
        let checked = build_and_run(ctx, &cross, Coverage::Smoke, false)?;
        Ok(Ok(format!("{versions}; {}", checked.summary)))
    };
    match run() {
        Ok(Ok(note)) => Outcome::Passed(note),
        Ok(Err(reason)) => Outcome::Skipped(reason),
        Err(error) => Outcome::Failed(error),
    }
}

/// `cargo xtask dist`: everything `test` does over every vector, the sdist built and installed
/// from outside the repository, the publishing checks (`cargo publish --dry-run`, `twine check`,
/// the POM and its jars), then `out/` with the artifacts and their SHA-256 sums.
pub fn dist(ctx: &Ctx, out: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    version::check(ctx)?;
    licenses::check_sources(ctx)?;
    let cross = Cross::ready(ctx)?.map_err(anyhow::Error::msg)?;
    let checked = build_and_run(ctx, &cross, Coverage::Full, true)?;
    let sdist = package::sdist(ctx, &tools(ctx)?)?;
    package::publish_checks(ctx, &tools(ctx)?, &checked, &sdist)?;
    let written = package::write(ctx, out, &checked, &sdist)?;
    eprintln!("\ndist: {}", checked.summary);
    eprintln!(
        "dist: wrote {} artifacts and SHA256SUMS to {} in {:.0}s:",
        written.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    for (name, size) in written {
        eprintln!("  {name:<60} {:>9.1} KiB", size as f64 / 1024.0);
    }
    Ok(())
}

/// What the builds made and what ran against it.
pub struct Checked {
    /// One per platform.
    pub built: Vec<Built>,
    /// The jars (main, sources, javadoc with `release`).
    pub jars: Vec<PathBuf>,
    /// One line for the report.
    pub summary: String,
}

/// Builds both platforms, checks the glibc floor of every library and program, and runs the
/// CLI, the wheels and the jar on each.
fn build_and_run(
    ctx: &Ctx,
    cross: &Cross,
    coverage: Coverage,
    release: bool,
) -> anyhow::Result<Checked> {
    ensure_readelf(ctx)?;
    let tools = tools(ctx)?;
    let x86_64 = build::host_x86_64(ctx, &tools)?;
    let aarch64 = build::cross_aarch64(ctx, cross)?;
    let on_cross = |built: &Built| (built.platform.arch != build::X86_64.arch).then_some(cross);
    let mut floor = Vec::new();
    for built in [&x86_64, &aarch64] {
        let unpacked = package::unpack_wheel(ctx, &built.wheel)?;
        let linked = smoke::staticlib(ctx, built, &tools, on_cross(built))?;
        for file in [&built.shared, &built.cli, &unpacked, &linked] {
            let needs = glibc::check(ctx, file, built.platform.machine)?;
            floor.push(needs.newest);
        }
        licenses::check_zip(ctx, &built.wheel)?;
    }
    floor.sort();
    floor.dedup();
    let rustc = cross.read(ctx, &ctx.root, &[], "rustc --version")?;
    // "rustc 1.85.1 (4eb161250 2025-03-15) (built from a source tarball)" → "rustc 1.85.1".
    let rustc: Vec<&str> = rustc.split_whitespace().take(2).collect();
    let rustc = rustc.join(" ");
    let mut runs = Vec::new();
    for (built, on) in [(&x86_64, None), (&aarch64, Some(cross))] {
        let arch = built.platform.arch;
        smoke::cli(ctx, built, on)?;
        let pytest = smoke::python(ctx, built, on, coverage)
            .with_context(|| format!("the {arch} wheel's tests"))?;
        runs.push(format!("{arch} wheel: {pytest}"));
    }
    let jar = jar::package(ctx, &[&x86_64, &aarch64], release)?;
    for jar in &jar.jars {
        licenses::check_zip(ctx, jar)?;
    }
    for (built, on) in [(&x86_64, None), (&aarch64, Some(cross))] {
        let arch = built.platform.arch;
        let junit = smoke::jvm(ctx, &jar.run, built.platform, on, coverage)
            .with_context(|| format!("the jar's tests on {arch}"))?;
        runs.push(format!("{arch} JVM: {junit}"));
    }
    let coverage = match coverage {
        Coverage::Smoke => "smoke (one case per section per file, every error case)",
        Coverage::Full => "every vector",
    };
    let summary = format!(
        "x86-64 and aarch64 (aarch64 with {}, the MSRV) need glibc <= {} (the .so, the CLIs, the wheels' .so, a C program linked with each .a); each runs; {coverage}: {}; aarch64 under qemu in {}",
        rustc,
        floor.join(", "),
        runs.join(", "),
        cross.root().display()
    );
    Ok(Checked {
        built: vec![x86_64, aarch64],
        jars: jar.jars,
        summary,
    })
}

/// The pinned release tools (`xtask/dist-tools.txt`) in a virtualenv on the host, made once and
/// remade when the pins change.
fn tools(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    crate::python::requirements_venv(ctx, "reach/tools-venv", cross::TOOLS_REQUIREMENTS)
}

/// `readelf` (binutils) reads the ELF files; installed with apt-get when missing.
fn ensure_readelf(ctx: &Ctx) -> anyhow::Result<()> {
    if on_path("readelf") {
        return Ok(());
    }
    anyhow::ensure!(on_path("apt-get"), "readelf is missing: install binutils");
    eprintln!("reach: installing binutils (readelf) with apt-get");
    let sh = &ctx.sh;
    cmd!(sh, "apt-get install -y -qq binutils").run()?;
    Ok(())
}
