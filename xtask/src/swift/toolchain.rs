//! Where `swift` runs: the `swift` on PATH (macOS, the Swift Linux images), or else — on a Debian
//! host, as root — the one in a Debian trixie chroot cached outside the repository (Debian 12 has
//! no Swift; trixie's `swiftlang` needs trixie's glibc). See `/work/shared/swift-on-debian.md`.
//!
//! The chroot is made once, idempotently: debootstrap into `<root>.partial`, install the packages,
//! check that `swift` runs, write a marker, then rename to `<root>`; an interrupted run leaves at
//! most a `.partial`, which the next run deletes and redoes. Each command runs in a private mount
//! namespace (`unshare --mount`) where /proc and the repository (at the same path) are mounted,
//! so the mounts vanish with the command even if it is killed. Where `unshare` is not permitted,
//! they are mounted on the host for the command's duration and unmounted by a guard.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use xshell::{Cmd, Shell, cmd};

use crate::workspace::{Ctx, on_path};

/// Where the chroot is cached unless `USERHASH_SWIFT_CHROOT` says otherwise.
const DEFAULT_ROOT: &str = "/var/cache/userhash/swift-trixie";
/// Overrides the chroot's location (e.g. to try a fresh creation without touching the cache).
const ROOT_VARIABLE: &str = "USERHASH_SWIFT_CHROOT";
const SUITE: &str = "trixie";
/// What the chroot needs beyond debootstrap's minbase: without libc6-dev, no C headers.
const PACKAGES: [&str; 3] = ["swiftlang", "libc6-dev", "libstdc++-14-dev"];
/// Written inside the chroot, last, when it is complete; holds the package list.
const MARKER: &str = "etc/userhash-swift-chroot";
/// The environment commands get inside the chroot (nothing is inherited from the host).
const CHROOT_ENV: [&str; 3] = [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root",
    "LANG=C.UTF-8",
];
/// Mounts /proc and binds the repository, then enters the chroot: `sh -c SCRIPT sh ROOT REPO ARGS...`.
const MOUNT_AND_CHROOT: &str = r#"set -e; root=$1; repo=$2; shift 2
mount -t proc proc "$root/proc"
if [ -n "$repo" ]; then mount --bind "$repo" "$root$repo"; fi
exec chroot "$root" "$@""#;

/// A way to run `swift`.
pub enum Swift {
    /// `swift` from PATH.
    Path,
    /// `swift` inside the Debian trixie chroot.
    Chroot(Chroot),
}

impl Swift {
    /// The Swift to use here, making the chroot when needed. `Ok(Err(reason))` when none can be
    /// had (the step is skipped, with the reason); `Err` when making the chroot failed.
    pub fn find(ctx: &Ctx) -> anyhow::Result<Result<Swift, String>> {
        let sh = &ctx.sh;
        if on_path("swift") {
            let version = cmd!(sh, "swift --version")
                .quiet()
                .ignore_status()
                .output()
                .map(|out| version(&out));
            eprintln!(
                "swift: using swift from PATH ({})",
                version.unwrap_or_default()
            );
            return Ok(Ok(Swift::Path));
        }
        let root = std::env::var_os(ROOT_VARIABLE)
            .map_or_else(|| PathBuf::from(DEFAULT_ROOT), PathBuf::from);
        let root = std::path::absolute(root)?;
        let shown = root.display().to_string();
        let unavailable = |why: &str| {
            Ok(Err(format!(
                "no swift on PATH, and {why}: install Swift (https://swift.org/install), or run as root on Debian/Ubuntu to use a cached Debian trixie chroot at {shown}"
            )))
        };
        if !cfg!(target_os = "linux") {
            return unavailable("the chroot fallback is for Linux hosts");
        }
        if cmd!(sh, "id -u").quiet().read().ok().as_deref() != Some("0") {
            return unavailable("the chroot fallback needs root");
        }
        if !on_path("chroot") {
            return unavailable("chroot(8) is not on PATH");
        }
        let chroot = Chroot {
            root,
            private: cmd!(sh, "unshare --mount --propagation private true")
                .quiet()
                .run()
                .is_ok(),
        };
        if !chroot.is_complete() {
            if !Path::new("/etc/debian_version").exists() || !on_path("apt-get") {
                return unavailable(
                    "this host is not Debian-based (no apt-get), so the chroot cannot be made",
                );
            }
            chroot.make(ctx)?;
        }
        eprintln!(
            "swift: using the Debian trixie chroot at {} (no swift on PATH); Rust is built on the host, Swift inside{}",
            chroot.root.display(),
            if chroot.private {
                ""
            } else {
                " (unshare not permitted: mounting on the host for each command)"
            }
        );
        Ok(Ok(Swift::Chroot(chroot)))
    }

    /// Where `swift` runs, for the report.
    pub fn place(&self) -> String {
        match self {
            Swift::Path => "swift from PATH".to_owned(),
            Swift::Chroot(chroot) => format!(
                "swift in the Debian trixie chroot at {}",
                chroot.root.display()
            ),
        }
    }

    /// Runs `swift args` with `env` added; its output streams through.
    pub fn run(
        &self,
        ctx: &Ctx,
        args: &[OsString],
        env: &[(&str, OsString)],
    ) -> anyhow::Result<()> {
        self.exec(ctx, args, env, |cmd| cmd.run())
    }

    /// Runs `swift args` with `env` added; returns its stdout (stderr streams through).
    pub fn read(
        &self,
        ctx: &Ctx,
        args: &[OsString],
        env: &[(&str, OsString)],
    ) -> anyhow::Result<String> {
        self.exec(ctx, args, env, |cmd| cmd.read())
    }

    fn exec<T>(
        &self,
        ctx: &Ctx,
        args: &[OsString],
        env: &[(&str, OsString)],
        run: impl FnOnce(Cmd<'_>) -> xshell::Result<T>,
    ) -> anyhow::Result<T> {
        let shown: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
        match self {
            Swift::Path => {
                eprintln!("$ swift {}", shown.join(" "));
                let mut cmd = cmd!(ctx.sh, "swift {args...}").quiet();
                for (key, value) in env {
                    cmd = cmd.env(key, value);
                }
                Ok(run(cmd)?)
            }
            Swift::Chroot(chroot) => {
                eprintln!("$ [trixie chroot] swift {}", shown.join(" "));
                let mut argv: Vec<OsString> =
                    vec!["env".into(), "-C".into(), ctx.root.clone().into()];
                for (key, value) in env {
                    let mut pair = OsString::from(format!("{key}="));
                    pair.push(value);
                    argv.push(pair);
                }
                argv.push("swift".into());
                argv.extend(args.iter().cloned());
                chroot.exec(&ctx.sh, Some(&ctx.root), &argv, run)
            }
        }
    }
}

/// The Debian trixie chroot holding Swift.
pub struct Chroot {
    root: PathBuf,
    /// Commands run in a private mount namespace (`unshare --mount`), not with host mounts.
    private: bool,
}

impl Chroot {
    /// True when the marker says the chroot was completed with today's package list.
    fn is_complete(&self) -> bool {
        std::fs::read_to_string(self.root.join(MARKER))
            .ok()
            .as_deref()
            == Some(marker().as_str())
    }

    /// Makes the chroot, or completes one that exists without the marker; one run at a time.
    fn make(&self, ctx: &Ctx) -> anyhow::Result<()> {
        let _lock = lock(&sibling(&self.root, "lock"))?;
        if self.is_complete() {
            return Ok(()); // another run made it while this one waited
        }
        if self.root.exists() {
            eprintln!(
                "swift: {} exists without its completion marker; checking it",
                self.root.display()
            );
            match self.complete(ctx) {
                Ok(()) => return Ok(()),
                Err(error) => {
                    eprintln!("swift: it cannot be completed ({error:#}); making a new one")
                }
            }
        }
        let sh = &ctx.sh;
        if !on_path("debootstrap") {
            eprintln!("swift: installing debootstrap with apt-get");
            if cmd!(sh, "apt-get install -y -qq debootstrap")
                .run()
                .is_err()
            {
                cmd!(sh, "apt-get update -qq").run()?;
                cmd!(sh, "apt-get install -y -qq debootstrap").run()?;
            }
        }
        let partial = Chroot {
            root: sibling(&self.root, "partial"),
            private: self.private,
        };
        remove_tree(&partial.root)?;
        eprintln!(
            "swift: making the Debian trixie chroot in {} (once; about a minute and 3 GB, cached)",
            partial.root.display()
        );
        let started = std::time::Instant::now();
        let target = &partial.root;
        cmd!(sh, "debootstrap --variant=minbase {SUITE} {target}").run()?;
        partial.complete(ctx)?;
        if self.root.exists() {
            let stale = sibling(&self.root, "stale");
            remove_tree(&stale)?;
            std::fs::rename(&self.root, &stale)?;
            std::fs::rename(&partial.root, &self.root)?;
            remove_tree(&stale)?;
        } else {
            std::fs::rename(&partial.root, &self.root)?;
        }
        eprintln!(
            "swift: chroot ready at {} in {:.0}s",
            self.root.display(),
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    /// Installs the packages unless dpkg has them all, checks that `swift` runs, writes the marker.
    fn complete(&self, ctx: &Ctx) -> anyhow::Result<()> {
        let sh = &ctx.sh;
        let query: Vec<OsString> = ["dpkg-query", "-W", "-f=${db:Status-Status}\\n"]
            .into_iter()
            .chain(PACKAGES)
            .map(OsString::from)
            .collect();
        let installed = self.exec(sh, None, &query, |cmd| {
            cmd.ignore_status().ignore_stderr().read()
        })?;
        if installed
            .lines()
            .filter(|line| *line == "installed")
            .count()
            != PACKAGES.len()
        {
            let packages = PACKAGES.join(" ");
            let script = format!(
                "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {packages} && apt-get clean"
            );
            eprintln!("swift: installing {packages} in the chroot");
            self.exec(
                sh,
                None,
                &["sh".into(), "-c".into(), script.into()],
                |cmd| cmd.run(),
            )?;
        }
        let output = self.exec(sh, None, &["swift".into(), "--version".into()], |cmd| {
            cmd.output()
        })?;
        eprintln!("swift: the chroot has {}", version(&output));
        std::fs::write(self.root.join(MARKER), marker())?;
        Ok(())
    }

    /// Runs `argv` inside the chroot with /proc mounted and, when given, the repository bound at
    /// the same path.
    fn exec<T>(
        &self,
        sh: &Shell,
        repo: Option<&Path>,
        argv: &[OsString],
        run: impl FnOnce(Cmd<'_>) -> xshell::Result<T>,
    ) -> anyhow::Result<T> {
        let root = &self.root;
        if let Some(repo) = repo {
            std::fs::create_dir_all(inside(root, repo))?;
        }
        let mut inner: Vec<OsString> = vec!["env".into(), "-i".into()];
        inner.extend(CHROOT_ENV.map(OsString::from));
        inner.extend(argv.iter().cloned());
        if self.private {
            let repo = repo.map_or_else(OsString::new, |repo| repo.as_os_str().to_owned());
            let cmd = cmd!(
                sh,
                "unshare --mount --propagation private -- sh -c {MOUNT_AND_CHROOT} sh {root} {repo} {inner...}"
            );
            return Ok(run(cmd.quiet())?);
        }
        let _mounts = HostMounts::mount(root, repo)?;
        Ok(run(cmd!(sh, "chroot {root} {inner...}").quiet())?)
    }
}

/// /proc and the repository mounted into the chroot on the host, unmounted on drop (on error and
/// panic too). Mounts that were already there are used and left alone. A lock keeps two runs from
/// unmounting each other's.
struct HostMounts {
    mounted: Vec<PathBuf>,
    _lock: File,
}

impl HostMounts {
    fn mount(root: &Path, repo: Option<&Path>) -> anyhow::Result<HostMounts> {
        let mut mounts = HostMounts {
            mounted: Vec::new(),
            _lock: lock(&sibling(root, "mounts.lock"))?,
        };
        let proc = root.join("proc");
        let mut wanted: Vec<(PathBuf, Vec<&OsStr>)> = vec![(
            proc,
            vec![OsStr::new("-t"), OsStr::new("proc"), OsStr::new("proc")],
        )];
        if let Some(repo) = repo {
            wanted.push((
                inside(root, repo),
                vec![OsStr::new("--bind"), repo.as_os_str()],
            ));
        }
        for (target, args) in wanted {
            if mount_points()?.contains(&target) {
                continue;
            }
            let status = Command::new("mount").args(args).arg(&target).status()?;
            if !status.success() {
                bail!("mount {} failed ({status})", target.display());
            }
            mounts.mounted.push(target);
        }
        Ok(mounts)
    }
}

impl Drop for HostMounts {
    fn drop(&mut self) {
        for target in self.mounted.iter().rev() {
            let unmounted = Command::new("umount")
                .arg(target)
                .status()
                .is_ok_and(|s| s.success())
                || Command::new("umount")
                    .arg("--lazy")
                    .arg(target)
                    .status()
                    .is_ok_and(|s| s.success());
            if !unmounted {
                eprintln!(
                    "swift: could not unmount {}; run `umount {0}`",
                    target.display()
                );
            }
        }
    }
}

/// The "Swift version ..." line of `swift --version`, whichever stream it went to.
fn version(output: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    text.lines()
        .find(|line| line.contains("Swift version"))
        .unwrap_or("unknown Swift version")
        .trim()
        .to_owned()
}

fn marker() -> String {
    format!("{}\n", PACKAGES.join(" "))
}

/// `<path>.<suffix>`, beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// `path` (absolute on the host) as seen from inside `root`.
fn inside(root: &Path, path: &Path) -> PathBuf {
    root.join(path.strip_prefix("/").unwrap_or(path))
}

/// Waits for, then holds, an exclusive lock on `path` until the file is dropped.
fn lock(path: &Path) -> anyhow::Result<File> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.lock()
        .with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
}

/// Every mount point of this mount namespace.
fn mount_points() -> anyhow::Result<Vec<PathBuf>> {
    let table = std::fs::read_to_string("/proc/self/mounts")?;
    Ok(table
        .lines()
        .filter_map(|line| line.split(' ').nth(1))
        .map(|field| PathBuf::from(unescape(field)))
        .collect())
}

/// /proc/self/mounts writes space, tab, newline and backslash as `\ooo` octal escapes.
fn unescape(field: &str) -> String {
    let mut out = String::new();
    let mut rest = field;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let code = rest
            .get(at + 1..at + 4)
            .and_then(|digits| u8::from_str_radix(digits, 8).ok());
        match code {
            Some(byte) => {
                out.push(char::from(byte));
                rest = &rest[at + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    out + rest
}

/// Deletes a directory tree, refusing while anything is mounted inside it (deleting through a
/// bind mount of the repository would delete the repository).
fn remove_tree(path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let mounted: Vec<_> = mount_points()?
        .into_iter()
        .filter(|point| point.starts_with(path))
        .collect();
    if !mounted.is_empty() {
        bail!(
            "{} has mounts inside ({mounted:?}); unmount them first",
            path.display()
        );
    }
    std::fs::remove_dir_all(path).with_context(|| format!("deleting {}", path.display()))
}
