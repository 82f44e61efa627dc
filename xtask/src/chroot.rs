//! A Debian root cached outside the repository, for what this Debian 12 host cannot run itself:
//! Swift (`swift/toolchain.rs`) and the release builds for other architectures and glibc
//! versions (`dist/cross.rs`). As root only.
//!
//! A root is made once, idempotently: debootstrap into `<root>.partial`, complete it (the
//! caller's step: packages, files), write a marker, then rename to `<root>`; an interrupted run
//! leaves at most a `.partial`, which the next run deletes and redoes. A root that exists with a
//! different marker (its recipe changed) is completed in place, never deleted first, since
//! others may be using it. Each command runs in a private mount namespace (`unshare --mount`)
//! where /proc and the bound host paths are mounted, so the mounts vanish with the command even
//! if it is killed. Where `unshare` is not permitted, they are mounted on the host for the
//! command's duration and unmounted by a guard.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use xshell::{Cmd, Shell, cmd};

use crate::workspace::{Ctx, on_path};

/// The Debian suite of every root.
pub const SUITE: &str = "trixie";
/// The environment commands get inside a root (nothing is inherited from the host).
const CHROOT_ENV: [&str; 3] = [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root",
    "LANG=C.UTF-8",
];
/// Binds host paths, mounts /proc, then enters the root:
/// `sh -c SCRIPT sh ROOT [HOST INSIDE ro|rw]... -- ARGV...`.
const MOUNT_AND_CHROOT: &str = r#"set -e; root=$1; shift
while [ "$1" != -- ]; do
  mount --bind "$1" "$root$2"
  if [ "$3" = ro ]; then mount -o remount,bind,ro "$root$2"; fi
  shift 3
done
shift
mount -t proc proc "$root/proc"
exec chroot "$root" "$@""#;

/// A host path made visible inside the root for one command.
pub struct Bind {
    /// The path on the host (a directory or a file).
    pub host: PathBuf,
    /// Where it appears inside the root (absolute).
    pub inside: PathBuf,
    /// Mounted read-only.
    pub read_only: bool,
}

impl Bind {
    /// `path` at the same path inside, writable (the repository, so paths read alike inside).
    pub fn same(path: &Path) -> Bind {
        Bind {
            host: path.to_path_buf(),
            inside: path.to_path_buf(),
            read_only: false,
        }
    }
}

/// What a root is for and how it is finished after debootstrap.
pub struct Recipe<'a> {
    /// Short name for messages (`swift`, `reach`).
    pub name: &'a str,
    /// The marker file, relative to the root; written last, holding `marker`.
    pub marker_path: &'a str,
    /// The marker's content: changes whenever the recipe does.
    pub marker: String,
    /// What making it costs, for the message shown before the first debootstrap.
    pub cost: &'a str,
}

/// A cached Debian root.
pub struct Chroot {
    root: PathBuf,
    /// Commands run in a private mount namespace (`unshare --mount`), not with host mounts.
    private: bool,
}

impl Chroot {
    /// The root at `root` (absolute), which may not exist yet. `Err(reason)` when roots cannot
    /// be used on this host at all.
    pub fn at(ctx: &Ctx, root: PathBuf) -> Result<Chroot, String> {
        let sh = &ctx.sh;
        if !cfg!(target_os = "linux") {
            return Err("a Debian chroot needs a Linux host".to_owned());
        }
        if cmd!(sh, "id -u").quiet().read().ok().as_deref() != Some("0") {
            return Err("a Debian chroot needs root".to_owned());
        }
        if !on_path("chroot") {
            return Err("chroot(8) is not on PATH".to_owned());
        }
        let private = cmd!(sh, "unshare --mount --propagation private true")
            .quiet()
            .run()
            .is_ok();
        Ok(Chroot { root, private })
    }

    /// Where the root is.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether commands get a private mount namespace (for messages).
    pub fn private(&self) -> bool {
        self.private
    }

    /// True when the marker says the root was completed with this recipe.
    pub fn is_complete(&self, recipe: &Recipe<'_>) -> bool {
        std::fs::read_to_string(self.root.join(recipe.marker_path))
            .ok()
            .as_deref()
            == Some(recipe.marker.as_str())
    }

    /// Makes the root, or completes one that exists without this recipe's marker; one run at a
    /// time. `complete` installs what the recipe needs into the root it is given, idempotently.
    pub fn ensure(
        &self,
        ctx: &Ctx,
        recipe: &Recipe<'_>,
        complete: impl Fn(&Chroot) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if self.is_complete(recipe) {
            return Ok(());
        }
        let name = recipe.name;
        if !debian_host() {
            bail!(
                "this host is not Debian-based (no apt-get), so the {name} chroot cannot be made"
            );
        }
        let _lock = lock(&sibling(&self.root, "lock"))?;
        if self.is_complete(recipe) {
            return Ok(()); // another run made it while this one waited
        }
        let finish = |chroot: &Chroot| -> anyhow::Result<()> {
            complete(chroot)?;
            std::fs::write(chroot.root.join(recipe.marker_path), &recipe.marker)?;
            Ok(())
        };
        if self.root.exists() {
            eprintln!(
                "{name}: {} exists without this recipe's marker; completing it in place",
                self.root.display()
            );
            match finish(self) {
                Ok(()) => return Ok(()),
                Err(error) => {
                    eprintln!("{name}: it cannot be completed ({error:#}); making a new one")
                }
            }
        }
        let sh = &ctx.sh;
        if !on_path("debootstrap") {
            eprintln!("{name}: installing debootstrap with apt-get");
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
            "{name}: making a Debian {SUITE} chroot in {} (once; {}, cached)",
            partial.root.display(),
            recipe.cost
        );
        let started = std::time::Instant::now();
        let target = &partial.root;
        // No mirror argument: debootstrap's default.
        cmd!(sh, "debootstrap --variant=minbase {SUITE} {target}").run()?;
        finish(&partial)?;
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
            "{name}: chroot ready at {} in {:.0}s",
            self.root.display(),
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    /// Runs `argv` inside the root with /proc mounted and `binds` bound.
    pub fn exec<T>(
        &self,
        sh: &Shell,
        binds: &[Bind],
        argv: &[OsString],
        run: impl FnOnce(Cmd<'_>) -> xshell::Result<T>,
    ) -> anyhow::Result<T> {
        let root = &self.root;
        for bind in binds {
            let target = inside(root, &bind.inside);
            if bind.host.is_dir() {
                std::fs::create_dir_all(&target)?;
            } else if !target.exists() {
                bail!(
                    "{} cannot be bound at {}: it does not exist in the chroot",
                    bind.host.display(),
                    target.display()
                );
            }
        }
        let mut inner: Vec<OsString> = vec!["env".into(), "-i".into()];
        inner.extend(CHROOT_ENV.map(OsString::from));
        inner.extend(argv.iter().cloned());
        if self.private {
            let mut args: Vec<OsString> = Vec::new();
            for bind in binds {
                args.push(bind.host.clone().into());
                args.push(bind.inside.clone().into());
                args.push(if bind.read_only { "ro" } else { "rw" }.into());
            }
            args.push("--".into());
            let cmd = cmd!(
                sh,
                "unshare --mount --propagation private -- sh -c {MOUNT_AND_CHROOT} sh {root} {args...} {inner...}"
            );
            return Ok(run(cmd.quiet())?);
        }
        let _mounts = HostMounts::mount(root, binds)?;
        Ok(run(cmd!(sh, "chroot {root} {inner...}").quiet())?)
    }
}

/// /proc and the binds mounted into the root on the host, unmounted on drop (on error and panic
/// too). Mounts that were already there are used and left alone. A lock keeps two runs from
/// unmounting each other's.
struct HostMounts {
    mounted: Vec<PathBuf>,
    _lock: File,
}

impl HostMounts {
    fn mount(root: &Path, binds: &[Bind]) -> anyhow::Result<HostMounts> {
        let mut mounts = HostMounts {
            mounted: Vec::new(),
            _lock: lock(&sibling(root, "mounts.lock"))?,
        };
        let mut wanted: Vec<(PathBuf, Vec<&OsStr>, bool)> = vec![(
            root.join("proc"),
            vec![OsStr::new("-t"), OsStr::new("proc"), OsStr::new("proc")],
            false,
        )];
        for bind in binds {
            wanted.push((
                inside(root, &bind.inside),
                vec![OsStr::new("--bind"), bind.host.as_os_str()],
                bind.read_only,
            ));
        }
        for (target, args, read_only) in wanted {
            if mount_points()?.contains(&target) {
                continue;
            }
            let status = Command::new("mount").args(args).arg(&target).status()?;
            if !status.success() {
                bail!("mount {} failed ({status})", target.display());
            }
            mounts.mounted.push(target.clone());
            if read_only {
                let status = Command::new("mount")
                    .args(["-o", "remount,bind,ro"])
                    .arg(&target)
                    .status()?;
                if !status.success() {
                    bail!(
                        "remounting {} read-only failed ({status})",
                        target.display()
                    );
                }
            }
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
                    "chroot: could not unmount {}; run `umount {0}`",
                    target.display()
                );
            }
        }
    }
}

/// True on a Debian-based host, where roots can be made (debootstrap comes from apt-get).
pub fn debian_host() -> bool {
    Path::new("/etc/debian_version").exists() && on_path("apt-get")
}

/// `<path>.<suffix>`, beside `path`.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// `path` (absolute on the host) as seen from inside `root`.
pub fn inside(root: &Path, path: &Path) -> PathBuf {
    root.join(path.strip_prefix("/").unwrap_or(path))
}

/// Waits for, then holds, an exclusive lock on `path` until the file is dropped.
pub fn lock(path: &Path) -> anyhow::Result<File> {
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
pub fn remove_tree(path: &Path) -> anyhow::Result<()> {
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
