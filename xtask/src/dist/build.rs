//! The release builds, for glibc 2.17 and later: the FFI library (shared, for the wheel and the
//! jar; static, for Swift), the CLI and the wheel, per platform. x86-64 is built on the host with
//! its Rust; aarch64 in the reach chroot with Debian's rustc 1.85 (the MSRV). zig links both.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::cmd;

use super::cross::Cross;
use crate::workspace::Ctx;

/// A Linux platform we ship prebuilt artifacts for.
#[derive(Clone, Copy)]
pub struct Platform {
    /// Rust's target triple.
    pub triple: &'static str,
    /// The architecture as wheels and archives name it.
    pub arch: &'static str,
    /// JNA's resource folder inside the jar.
    pub jna: &'static str,
    /// How `readelf --file-header` names the machine.
    pub machine: &'static str,
}

/// Linux x86-64, built on the host.
pub const X86_64: Platform = Platform {
    triple: "x86_64-unknown-linux-gnu",
    arch: "x86_64",
    jna: "linux-x86-64",
    machine: "X86-64",
};

/// Linux aarch64, built in the reach chroot.
pub const AARCH64: Platform = Platform {
    triple: "aarch64-unknown-linux-gnu",
    arch: "aarch64",
    jna: "linux-aarch64",
    machine: "AArch64",
};

/// What one platform's build made.
pub struct Built {
    /// The platform.
    pub platform: Platform,
    /// `libuserhash_ffi.so`.
    pub shared: PathBuf,
    /// `libuserhash_ffi.a`.
    pub staticlib: PathBuf,
    /// The `userhash` command.
    pub cli: PathBuf,
    /// The manylinux2014 wheel.
    pub wheel: PathBuf,
}

/// The environment of every release build: keep the symbol table (zig turns rustc's
/// `strip = "debuginfo"` into a full strip, and uniffi's bindgen reads its metadata from the
/// symbols).
const BUILD_ENV: [(&str, &str); 1] = [("CARGO_PROFILE_RELEASE_STRIP", "false")];

/// A `cargo` first on maturin's PATH. maturin generates the Python module by running the
/// workspace's bindgen with `cargo run --bin uniffi-bindgen`, which would build it again in the
/// wheel's own target directory, and which rustc 1.85 cannot build at all (uniffi's bindgen needs
/// askama, which needs 1.88); this runs the bindgen built on the host (`$USERHASH_BINDGEN`)
/// instead, and passes every other call to the real cargo (`$USERHASH_CARGO`).
pub const SHIM: &str = r#"#!/bin/sh
# Written by `cargo xtask` (xtask/src/dist/build.rs): see the SHIM constant there.
if [ "$1" = run ] && [ "$2" = --bin ] && [ "$3" = uniffi-bindgen ]; then
  shift 3
  exec "$USERHASH_BINDGEN" "$@"
fi
exec "$USERHASH_CARGO" "$@"
"#;

/// The workspace's bindgen, built on the host (the dev build every binding uses).
fn host_bindgen(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    cmd!(sh, "cargo build --quiet --locked --package uniffi-bindgen").run()?;
    Ok(ctx.target().join("debug/uniffi-bindgen"))
}

/// The shim on the host, in a folder of its own to put first on PATH.
fn host_shim(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let dir = ctx.scratch().join("reach/shim");
    std::fs::create_dir_all(&dir)?;
    let partial = dir.join("cargo.partial");
    std::fs::write(&partial, SHIM)?;
    set_executable(&partial)?;
    std::fs::rename(&partial, dir.join("cargo"))?;
    Ok(dir)
}

/// The cargo running this xtask (cargo sets `CARGO` for what it runs), else the one on PATH.
fn real_cargo() -> anyhow::Result<PathBuf> {
    if let Some(cargo) = std::env::var_os("CARGO") {
        return Ok(PathBuf::from(cargo));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("cargo"))
        .find(|candidate| candidate.is_file())
        .context("no cargo on PATH")
}

/// Marks a file executable.
#[cfg(unix)]
pub fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// Marks a file executable (nothing to do here).
#[cfg(not(unix))]
pub fn set_executable(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// A cargo target directory of the reach builds. Each build has its own: maturin and
/// cargo-zigbuild set different flags, and cargo rebuilds everything, proc-macros included, when
/// the flags of a directory change; the normal host builds (`target/`) stay untouched too.
pub fn target_dir(ctx: &Ctx, build: &str) -> PathBuf {
    ctx.target().join("reach").join(build)
}

/// Where the wheels of `platform` are written.
fn wheel_dir(ctx: &Ctx, platform: Platform) -> PathBuf {
    ctx.scratch().join("reach/wheels").join(platform.arch)
}

/// Builds x86-64 on the host: `cargo zigbuild` for the library and the CLI, `maturin --zig` for
/// the wheel. `tools` is the virtualenv holding the pinned tools.
pub fn host_x86_64(ctx: &Ctx, tools: &Path) -> anyhow::Result<Built> {
    let sh = &ctx.sh;
    let platform = X86_64;
    let triple = platform.triple;
    let zig_triple = format!("{triple}.2.17");
    let path = prepend_path(&tools.join("bin"))?;
    let bindgen = host_bindgen(ctx)?;
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let shimmed = std::env::join_paths(
        [tools.join("bin"), host_shim(ctx)?]
            .into_iter()
            .chain(std::env::split_paths(&rest)),
    )?;
    let out = fresh_dir(&wheel_dir(ctx, platform))?;
    let python_dir = sh.push_dir(ctx.path("bindings/python"));
    let mut wheel = cmd!(
        sh,
        "maturin build --quiet --release --locked --zig --compatibility manylinux2014 --target {triple} --out {out}"
    )
    .env("PATH", &shimmed)
    .env("USERHASH_BINDGEN", &bindgen)
    .env("USERHASH_CARGO", real_cargo()?)
    .env("CARGO_TARGET_DIR", target_dir(ctx, "host-maturin"));
    for (key, value) in BUILD_ENV {
        wheel = wheel.env(key, value);
    }
    wheel.run().context("maturin build (x86-64)")?;
    drop(python_dir);
    let cargo_target = target_dir(ctx, "host-cargo");
    let mut build = cmd!(
        sh,
        "cargo zigbuild --release --locked --target {zig_triple} --package userhash-ffi --package userhash-cli"
    )
    .env("PATH", &path)
    .env("CARGO_TARGET_DIR", &cargo_target);
    for (key, value) in BUILD_ENV {
        build = build.env(key, value);
    }
    build.run().context("cargo zigbuild (x86-64)")?;
    built(cargo_target.join(triple).join("release"), platform, &out)
}

/// Builds aarch64 in the reach chroot with its rustc 1.85. maturin's bindgen step runs the
/// host's `uniffi-bindgen` (see the shim in `cross.rs`), so that is built first.
pub fn cross_aarch64(ctx: &Ctx, cross: &Cross) -> anyhow::Result<Built> {
    let platform = AARCH64;
    let triple = platform.triple;
    let bindgen = host_bindgen(ctx)?;
    let mut env: Vec<(&str, String)> = vec![("USERHASH_BINDGEN", bindgen.display().to_string())];
    env.extend(BUILD_ENV.map(|(key, value)| (key, value.to_owned())));
    let out = fresh_dir(&wheel_dir(ctx, platform))?;
    let mut with_shim = env.clone();
    with_shim.push(("PATH", Cross::path(true)));
    with_shim.push(("USERHASH_CARGO", super::cross::CARGO.to_owned()));
    let maturin_target = target_dir(ctx, "cross-maturin");
    with_shim.push(("CARGO_TARGET_DIR", maturin_target.display().to_string()));
    cross
        .sh(
            ctx,
            &ctx.path("bindings/python"),
            &with_shim,
            &format!(
                "maturin build --quiet --release --locked --zig --compatibility manylinux2014 --target {triple} --out {}",
                out.display()
            ),
        )
        .context("maturin build (aarch64, in the reach chroot)")?;
    env.push(("PATH", Cross::path(false)));
    let cargo_target = target_dir(ctx, "cross-cargo");
    env.push(("CARGO_TARGET_DIR", cargo_target.display().to_string()));
    cross
        .sh(
            ctx,
            &ctx.root,
            &env,
            &format!(
                "cargo zigbuild --release --locked --target {triple}.2.17 --package userhash-ffi --package userhash-cli"
            ),
        )
        .context("cargo zigbuild (aarch64, rustc 1.85 in the reach chroot)")?;
    built(cargo_target.join(triple).join("release"), platform, &out)
}

fn built(release: PathBuf, platform: Platform, wheels: &Path) -> anyhow::Result<Built> {
    let wheel = std::fs::read_dir(wheels)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .with_context(|| format!("maturin wrote no wheel into {}", wheels.display()))?;
    let name = wheel.file_name().unwrap_or_default().to_string_lossy();
    anyhow::ensure!(
        name.contains(&format!("manylinux2014_{}", platform.arch)),
        "the wheel is not tagged manylinux2014_{}: {name}",
        platform.arch
    );
    let built = Built {
        platform,
        shared: release.join("libuserhash_ffi.so"),
        staticlib: release.join("libuserhash_ffi.a"),
        cli: release.join("userhash"),
        wheel,
    };
    for file in [&built.shared, &built.staticlib, &built.cli] {
        anyhow::ensure!(file.is_file(), "the build made no {}", file.display());
    }
    Ok(built)
}

/// `dir`, emptied (or made).
pub fn fresh_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    Ok(dir.to_path_buf())
}

/// `PATH` with `dir` first.
pub fn prepend_path(dir: &Path) -> anyhow::Result<std::ffi::OsString> {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    Ok(std::env::join_paths(
        std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&rest)),
    )?)
}

/// Copies a file, or a directory tree.
pub fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    if from.is_file() {
        std::fs::copy(from, to)?;
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        copy_tree(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}
