//! The artifacts of `cargo xtask dist`: the sdist (and its install from outside the repository),
//! the archives for the CLI and the Swift library, the publishing checks, and `dist/` with its
//! SHA-256 sums.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, ensure};
use xshell::cmd;

use super::Checked;
use super::build::{Built, copy_tree, fresh_dir};
use super::licenses;
use super::version::VERSION;
use crate::workspace::Ctx;

/// The native library inside the wheel, unpacked for the glibc check.
pub fn unpack_wheel(ctx: &Ctx, wheel: &Path) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let name = wheel
        .file_stem()
        .context("a wheel has a name")?
        .to_string_lossy()
        .into_owned();
    let dir = fresh_dir(&ctx.scratch().join("reach/unpacked").join(name))?;
    let script = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); n = [x for x in z.namelist() if x.endswith('.so')]; assert len(n) == 1, n; open(sys.argv[2], 'wb').write(z.read(n[0]))";
    let so = dir.join("libuserhash_ffi.so");
    cmd!(sh, "python3 -c {script} {wheel} {so}").quiet().run()?;
    Ok(so)
}

/// `maturin sdist`, then the sdist extracted outside the repository and installed with pip into
/// a fresh virtualenv, with nothing but the Rust toolchain and Python on PATH (no zig), and
/// imported there.
pub fn sdist(ctx: &Ctx, tools: &Path) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let out = fresh_dir(&ctx.scratch().join("reach/sdist"))?;
    {
        let _python = sh.push_dir(ctx.path("bindings/python"));
        let maturin = tools.join("bin/maturin");
        cmd!(sh, "{maturin} sdist --out {out}").run()?;
    }
    let sdist = out.join(format!("userhash-{VERSION}.tar.gz"));
    ensure!(sdist.is_file(), "maturin wrote no {}", sdist.display());
    licenses::check_tar(ctx, &sdist)?;
    let outside = std::env::temp_dir().join(format!("userhash-sdist-check-{}", std::process::id()));
    fresh_dir(&outside)?;
    let checked = (|| -> anyhow::Result<()> {
        let _there = sh.push_dir(&outside);
        cmd!(sh, "tar -xzf {sdist}").run()?;
        cmd!(sh, "python3 -m venv venv").run()?;
        let source = outside.join(format!("userhash-{VERSION}"));
        eprintln!(
            "reach: pip install of the sdist, extracted in {}",
            source.display()
        );
        cmd!(
            sh,
            "venv/bin/python -m pip install --quiet --disable-pip-version-check {source}"
        )
        .env_remove("CARGO_TARGET_DIR")
        .run()
        .context("pip install of the sdist")?;
        let smoke = "import userhash; assert userhash.Signer(userhash.Scheme.by_name('intercom'), 'secret').sign(userhash.Identity(user_id='Message')).startswith('aa747c50')";
        cmd!(sh, "venv/bin/python -c {smoke}").run()?;
        Ok(())
    })();
    std::fs::remove_dir_all(&outside)?;
    checked.context("the sdist does not build and install on its own")?;
    Ok(sdist)
}

/// `cargo publish --dry-run` of the published crates (packaged and built from their packages,
/// against each other), `twine check` of the wheels and the sdist, and the POM: what Maven
/// Central requires, and the sources and javadoc jars beside the jar.
pub fn publish_checks(
    ctx: &Ctx,
    tools: &Path,
    checked: &Checked,
    sdist: &Path,
) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    cmd!(
        sh,
        "cargo publish --dry-run --locked --allow-dirty --workspace"
    )
    .run()
    .context("cargo publish --dry-run")?;
    let twine = tools.join("bin/twine");
    let wheels: Vec<&PathBuf> = checked.built.iter().map(|built| &built.wheel).collect();
    cmd!(sh, "{twine} check --strict {wheels...} {sdist}")
        .run()
        .context("twine check")?;
    pom_check(ctx, &checked.jars)?;
    Ok(())
}

/// The reactor's POM, the jar's parent: it holds what Maven Central requires of every module's
/// POM, and is published beside the jar's.
const PARENT_POM: &str = "bindings/kotlin/pom.xml";
/// The jar's own POM.
const JAR_POM: &str = "bindings/kotlin/userhash/pom.xml";

/// The elements Maven Central requires of a POM (the jar's, with what it inherits from its
/// parent), and the three jars.
fn pom_check(ctx: &Ctx, jars: &[PathBuf]) -> anyhow::Result<()> {
    let own = std::fs::read_to_string(ctx.path(JAR_POM))?;
    for element in [
        "<parent>",
        "<artifactId>userhash-parent</artifactId>",
        "<artifactId>userhash</artifactId>",
        "<name>",
        "<description>",
    ] {
        ensure!(
            own.contains(element),
            "{JAR_POM} lacks {element}, which Maven Central requires"
        );
    }
    let pom = std::fs::read_to_string(ctx.path(PARENT_POM))?;
    for element in [
        "<groupId>",
        "<artifactId>",
        "<version>",
        "<name>",
        "<description>",
        "<url>",
        "<licenses>",
        "<license>",
        "<developers>",
        "<developer>",
        "<scm>",
        "<connection>",
        "<developerConnection>",
    ] {
        ensure!(
            pom.contains(element),
            "{PARENT_POM} lacks {element}, which Maven Central requires (every module inherits it)"
        );
    }
    let licenses = pom
        .split("<license>")
        .skip(1)
        .filter(|license| license.contains("<name>") && license.contains("<url>"))
        .count();
    ensure!(
        licenses == 2,
        "the POM must name both licenses with a URL (found {licenses})"
    );
    for classifier in ["", "-sources", "-javadoc"] {
        let name = format!("userhash-{VERSION}{classifier}.jar");
        ensure!(
            jars.iter()
                .any(|jar| jar.file_name().is_some_and(|n| n == name.as_str())),
            "no {name}: Maven Central requires it"
        );
    }
    Ok(())
}

/// Writes `out/`: the wheels, the sdist, the jars and the POM, the CLI and Swift archives, and
/// `SHA256SUMS`. Returns each file's name and size.
pub fn write(
    ctx: &Ctx,
    out: &Path,
    checked: &Checked,
    sdist: &Path,
) -> anyhow::Result<Vec<(String, u64)>> {
    let sh = &ctx.sh;
    let out = fresh_dir(out)?;
    let mut files: Vec<PathBuf> = checked.built.iter().map(|b| b.wheel.clone()).collect();
    files.push(sdist.to_path_buf());
    files.extend(checked.jars.iter().cloned());
    for file in &files {
        let name = file.file_name().context("a file name")?;
        std::fs::copy(file, out.join(name))?;
    }
    std::fs::copy(
        ctx.path(JAR_POM),
        out.join(format!("userhash-{VERSION}.pom")),
    )?;
    std::fs::copy(
        ctx.path(PARENT_POM),
        out.join(format!("userhash-parent-{VERSION}.pom")),
    )?;
    for built in &checked.built {
        cli_archive(ctx, built, &out)?;
        swift_archive(ctx, built, &out)?;
    }
    let mut names: Vec<String> = std::fs::read_dir(&out)?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    {
        let _out = sh.push_dir(&out);
        let listed = names.clone();
        let sums = cmd!(sh, "sha256sum {listed...}").read()?;
        std::fs::write(out.join("SHA256SUMS"), format!("{sums}\n"))?;
    }
    names
        .into_iter()
        .map(|name| Ok((name.clone(), std::fs::metadata(out.join(&name))?.len())))
        .collect()
}

/// `userhash-cli-<version>-linux-<arch>.tar.gz`: the `userhash` command, its README and the
/// license texts.
fn cli_archive(ctx: &Ctx, built: &Built, out: &Path) -> anyhow::Result<()> {
    let name = format!("userhash-cli-{VERSION}-linux-{}", built.platform.arch);
    let stage = fresh_dir(&ctx.scratch().join("reach/archives").join(&name))?;
    std::fs::copy(&built.cli, stage.join("userhash"))?;
    std::fs::copy(
        ctx.path("crates/userhash-cli/README.md"),
        stage.join("README.md"),
    )?;
    tar(ctx, &stage, &out.join(format!("{name}.tar.gz")))
}

/// `userhash-swift-<version>-linux-<arch>.tar.gz`: the SwiftPM package `UserHash` (with its
/// generated sources) and `lib/libuserhash_ffi.a`, to build with `-Xlinker -L<dir>/lib`.
fn swift_archive(ctx: &Ctx, built: &Built, out: &Path) -> anyhow::Result<()> {
    let name = format!("userhash-swift-{VERSION}-linux-{}", built.platform.arch);
    let stage = fresh_dir(&ctx.scratch().join("reach/archives").join(&name))?;
    crate::swift::generate(ctx)?;
    let package = ctx.path("bindings/swift");
    for entry in ["Package.swift", "README.md", "Sources"] {
        copy_tree(&package.join(entry), &stage.join(entry))?;
    }
    std::fs::create_dir_all(stage.join("lib"))?;
    std::fs::copy(&built.staticlib, stage.join("lib/libuserhash_ffi.a"))?;
    tar(ctx, &stage, &out.join(format!("{name}.tar.gz")))
}

/// `stage` (with the license texts added) as a reproducible `.tar.gz` whose top folder is its
/// name; the license texts are checked inside.
fn tar(ctx: &Ctx, stage: &Path, archive: &Path) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    for file in licenses::FILES {
        std::fs::copy(ctx.path(file), stage.join(file))?;
    }
    let parent = stage.parent().context("a staged folder has a parent")?;
    let name = stage.file_name().context("a staged folder has a name")?;
    let _there = sh.push_dir(parent);
    cmd!(
        sh,
        "tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -czf {archive} {name}"
    )
    .run()?;
    licenses::check_tar(ctx, archive)
}
