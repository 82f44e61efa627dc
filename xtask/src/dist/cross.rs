//! The reach root: a Debian trixie chroot (made and cached like the Swift one, see `chroot.rs`)
//! holding what this Debian 12 host lacks for the aarch64 artifacts:
//! - rustc 1.85 (Debian's; the workspace's `rust-version`) with its aarch64 std
//!   (`libstd-rust-dev:arm64`): the aarch64 builds are the MSRV build;
//! - zig, maturin and cargo-zigbuild (the pinned `xtask/dist-tools.txt`), which link against
//!   glibc 2.17;
//! - `qemu-user`, and an arm64 sysroot (Python 3.13 and OpenJDK 21 from Debian's arm64
//!   packages, resolved by apt for arm64 alone, then unpacked with `dpkg-deb -x`): binfmt_misc is
//!   not mounted on these machines, so aarch64 programs run as `qemu-aarch64 -L <sysroot> ...`.
//!
//! Commands see the repository at its own path and the host's CA bundle (read-only), so that
//! cargo and pip inside trust what the host trusts.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::build::SHIM;
use crate::chroot::{Bind, Chroot, Recipe, inside};
use crate::workspace::Ctx;

/// Where the root is cached unless `USERHASH_REACH_CHROOT` says otherwise.
const DEFAULT_ROOT: &str = "/var/cache/userhash/reach-trixie";
const ROOT_VARIABLE: &str = "USERHASH_REACH_CHROOT";
/// Written inside the root, last, when it is complete; holds the recipe.
const MARKER: &str = "etc/userhash-reach-chroot";
/// The root's own packages.
const PACKAGES: [&str; 7] = [
    "rustc",
    "cargo",
    "libstd-rust-dev:arm64",
    "qemu-user",
    "python3",
    "python3-venv",
    "ca-certificates",
];
/// What the arm64 sysroot holds (with their dependencies).
const SYSROOT_PACKAGES: [&str; 3] = ["python3.13", "python3.13-venv", "openjdk-21-jre-headless"];
/// The arm64 sysroot, inside the root.
pub const SYSROOT: &str = "/opt/arm64";
/// The aarch64 programs in the sysroot.
pub const PYTHON: &str = "/opt/arm64/usr/bin/python3.13";
pub const JAVA: &str = "/opt/arm64/usr/lib/jvm/java-21-openjdk-arm64/bin/java";
/// The pinned build tools (maturin, ziglang, cargo-zigbuild), also used on the host.
pub const TOOLS_REQUIREMENTS: &str = "xtask/dist-tools.txt";
/// Their virtualenv, inside the root.
const TOOLS: &str = "/opt/userhash-tools";
/// Where the `cargo` shim of maturin's bindgen step lies (see [`SHIM`]).
const SHIM_DIR: &str = "/opt/userhash-shim";
/// The root's cargo, which the shim passes every other call to.
pub const CARGO: &str = "/usr/bin/cargo";
/// The host's CA bundle (Debian's path), bound over the root's.
const CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The reach root, ready.
pub struct Cross {
    chroot: Chroot,
    repo: PathBuf,
}

impl Cross {
    /// The root, made or completed when its recipe changed. `Ok(Err(reason))` when no root can
    /// be had on this host (not Linux, not root, not Debian-based).
    pub fn ready(ctx: &Ctx) -> anyhow::Result<Result<Cross, String>> {
        let root = std::env::var_os(ROOT_VARIABLE)
            .map_or_else(|| PathBuf::from(DEFAULT_ROOT), PathBuf::from);
        let root = std::path::absolute(root)?;
        let chroot = match Chroot::at(ctx, root) {
            Ok(chroot) => chroot,
            Err(why) => return Ok(Err(why)),
        };
        let recipe = recipe(ctx)?;
        if !chroot.is_complete(&recipe) && !crate::chroot::debian_host() {
            return Ok(Err(
                "this host is not Debian-based (no apt-get), so the reach chroot cannot be made"
                    .to_owned(),
            ));
        }
        chroot.ensure(ctx, &recipe, |partial| complete(ctx, partial))?;
        Ok(Ok(Cross {
            chroot,
            repo: ctx.root.clone(),
        }))
    }

    /// Where the root is, for reports.
    pub fn root(&self) -> &Path {
        self.chroot.root()
    }

    /// Runs `script` with `sh -c` inside the root, in `dir` (a host path under the repository),
    /// with `env` added; output streams through.
    pub fn sh(
        &self,
        ctx: &Ctx,
        dir: &Path,
        env: &[(&str, String)],
        script: &str,
    ) -> anyhow::Result<()> {
        self.exec(ctx, dir, env, script, |cmd| cmd.run())
    }

    /// As [`Cross::sh`], returning stdout.
    pub fn read(
        &self,
        ctx: &Ctx,
        dir: &Path,
        env: &[(&str, String)],
        script: &str,
    ) -> anyhow::Result<String> {
        self.exec(ctx, dir, env, script, |cmd| cmd.read())
    }

    fn exec<T>(
        &self,
        ctx: &Ctx,
        dir: &Path,
        env: &[(&str, String)],
        script: &str,
        run: impl FnOnce(xshell::Cmd<'_>) -> xshell::Result<T>,
    ) -> anyhow::Result<T> {
        exec(ctx, &self.chroot, &self.repo, dir, env, script, run)
    }

    /// `PATH` for builds inside: the pinned tools first, and with `shim`, the bindgen shim.
    pub fn path(shim: bool) -> String {
        let shim = if shim {
            format!("{SHIM_DIR}:")
        } else {
            String::new()
        };
        format!("{shim}{TOOLS}/bin:/usr/local/bin:/usr/bin:/bin")
    }
}

/// Runs `script` with `sh -c` in `chroot`, in `dir`, with `env` added; the repository is bound
/// at its own path, and the host's CA bundle over the root's once the root has one.
fn exec<T>(
    ctx: &Ctx,
    chroot: &Chroot,
    repo: &Path,
    dir: &Path,
    env: &[(&str, String)],
    script: &str,
    run: impl FnOnce(xshell::Cmd<'_>) -> xshell::Result<T>,
) -> anyhow::Result<T> {
    let mut argv: Vec<OsString> = vec!["env".into(), "-C".into(), dir.into()];
    argv.extend(
        env.iter()
            .map(|(key, value)| OsString::from(format!("{key}={value}"))),
    );
    argv.extend(["sh".into(), "-c".into(), script.into()]);
    let mut binds = vec![Bind::same(repo)];
    let ca = Path::new(CA_BUNDLE);
    if ca.is_file() && inside(chroot.root(), ca).is_file() {
        binds.push(Bind {
            host: ca.to_path_buf(),
            inside: ca.to_path_buf(),
            read_only: true,
        });
    }
    chroot.exec(&ctx.sh, &binds, &argv, run)
}

/// The recipe: the packages, the sysroot's packages, the tools' pins and the shim. A change to
/// any of them completes the root again (in place; never a new debootstrap).
fn recipe(ctx: &Ctx) -> anyhow::Result<Recipe<'static>> {
    let tools = std::fs::read_to_string(ctx.path(TOOLS_REQUIREMENTS))
        .with_context(|| format!("reading {TOOLS_REQUIREMENTS}"))?;
    Ok(Recipe {
        name: "reach",
        marker_path: MARKER,
        marker: format!(
            "packages: {}\nsysroot (arm64): {}\ntools:\n{tools}shim:\n{SHIM}",
            PACKAGES.join(" "),
            SYSROOT_PACKAGES.join(" ")
        ),
        cost: "about 2 minutes and 2.5 GB",
    })
}

/// Installs the packages, (re)makes the sysroot and the tools' virtualenv, writes the shim, and
/// checks that each runs. Every step is safe to repeat; the sysroot and the virtualenv are made
/// beside their final place and renamed into it.
fn complete(ctx: &Ctx, chroot: &Chroot) -> anyhow::Result<()> {
    let dir = &ctx.root;
    let sh = |env: &[(&str, String)], script: &str| {
        exec(ctx, chroot, &ctx.root, dir, env, script, |cmd| cmd.run())
    };
    let packages = PACKAGES.join(" ");
    eprintln!("reach: installing {packages} in the chroot");
    sh(
        &[],
        &format!(
            "dpkg --add-architecture arm64 && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {packages} && apt-get clean"
        ),
    )?;
    let sysroot_packages = SYSROOT_PACKAGES.join(" ");
    eprintln!("reach: unpacking {sysroot_packages} (arm64) into {SYSROOT}");
    // apt resolves the arm64 packages as for an empty arm64 system (a status file of its own),
    // downloads them, and dpkg-deb unpacks them: no maintainer script runs, none is needed.
    sh(
        &[],
        &format!(
            r#"set -e
debs=/var/cache/userhash-arm64-debs; state=/var/lib/userhash-arm64; new={SYSROOT}.partial
rm -rf "$debs" "$state" "$new"; mkdir -p "$debs/partial" "$state" "$new/usr/lib" "$new/usr/bin" "$new/usr/sbin"
: > "$state/status"
apt-get -qq -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State::status="$state/status" \
  -o Dir::Cache::archives="$debs" -o Debug::NoLocking=1 --download-only --no-install-recommends -y \
  install {sysroot_packages}
ln -s usr/lib "$new/lib"; ln -s usr/bin "$new/bin"; ln -s usr/sbin "$new/sbin"
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$new"; done
# Absolute links (the JDK's conf/ points into /etc) would leave the sysroot under qemu -L.
find "$new" -type l | while read -r link; do
  target=$(readlink "$link")
  case "$target" in /*) ln -sfn "{SYSROOT}$target" "$link";; esac
done
rm -rf {SYSROOT} "$debs" "$state"; mv "$new" {SYSROOT}
qemu-aarch64 -L {SYSROOT} {PYTHON} -c 'import ctypes, platform; assert platform.machine() == "aarch64"'
qemu-aarch64 -L {SYSROOT} {JAVA} -version"#
        ),
    )?;
    eprintln!("reach: installing the pinned build tools ({TOOLS_REQUIREMENTS}) into {TOOLS}");
    let requirements = ctx.path(TOOLS_REQUIREMENTS);
    let requirements = requirements.display();
    // Made in place: an interrupted run leaves no marker, so the next one makes it again.
    sh(
        &[],
        &format!(
            "set -e; rm -rf {TOOLS}; python3 -m venv {TOOLS}; {TOOLS}/bin/pip install -q --disable-pip-version-check -r {requirements}"
        ),
    )?;
    let shim = inside(chroot.root(), Path::new(SHIM_DIR));
    std::fs::create_dir_all(&shim)?;
    std::fs::write(shim.join("cargo.partial"), SHIM)?;
    super::build::set_executable(&shim.join("cargo.partial"))?;
    std::fs::rename(shim.join("cargo.partial"), shim.join("cargo"))?;
    let versions = exec(
        ctx,
        chroot,
        &ctx.root,
        dir,
        &[("PATH", Cross::path(false))],
        "rustc --version && maturin --version && cargo-zigbuild --version && python3 -m ziglang version && qemu-aarch64 --version | head -1",
        |cmd| cmd.read(),
    )?;
    eprintln!(
        "reach: the chroot has {}",
        versions.lines().collect::<Vec<_>>().join(", ")
    );
    Ok(())
}
