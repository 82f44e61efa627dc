//! Where `swift` runs: the `swift` on PATH (macOS, the Swift Linux images), or else — on a Debian
//! host, as root — the one in a Debian trixie chroot cached outside the repository (Debian 12 has
//! no Swift; trixie's `swiftlang` needs trixie's glibc). See `/work/shared/swift-on-debian.md`;
//! how the chroot is made, cached and entered is `chroot.rs`.

use std::ffi::OsString;
use std::path::PathBuf;

use xshell::{Cmd, cmd};

use crate::chroot::{Bind, Chroot, Recipe};
use crate::workspace::{Ctx, on_path};

/// Where the chroot is cached unless `USERHASH_SWIFT_CHROOT` says otherwise.
const DEFAULT_ROOT: &str = "/var/cache/userhash/swift-trixie";
/// Overrides the chroot's location (e.g. to try a fresh creation without touching the cache).
const ROOT_VARIABLE: &str = "USERHASH_SWIFT_CHROOT";
/// What the chroot needs beyond debootstrap's minbase: without libc6-dev, no C headers.
const PACKAGES: [&str; 3] = ["swiftlang", "libc6-dev", "libstdc++-14-dev"];
/// Written inside the chroot, last, when it is complete; holds the package list.
const MARKER: &str = "etc/userhash-swift-chroot";

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
        let chroot = match Chroot::at(ctx, root) {
            Ok(chroot) => chroot,
            Err(why) => {
                return Ok(Err(format!(
                    "no swift on PATH, and {why}: install Swift (https://swift.org/install), or run as root on Debian/Ubuntu to use a cached Debian trixie chroot at {shown}"
                )));
            }
        };
        let recipe = recipe();
        if !chroot.is_complete(&recipe) && !crate::chroot::debian_host() {
            return Ok(Err("no swift on PATH, and this host is not Debian-based (no apt-get), so no chroot can be made: install Swift (https://swift.org/install)".to_owned()));
        }
        chroot.ensure(ctx, &recipe, |partial| complete(ctx, partial))?;
        eprintln!(
            "swift: using the Debian trixie chroot at {} (no swift on PATH); Rust is built on the host, Swift inside{}",
            chroot.root().display(),
            if chroot.private() {
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
                chroot.root().display()
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
                chroot.exec(&ctx.sh, &[Bind::same(&ctx.root)], &argv, run)
            }
        }
    }
}

/// The Swift chroot's recipe: its packages are its marker.
fn recipe() -> Recipe<'static> {
    Recipe {
        name: "swift",
        marker_path: MARKER,
        marker: format!("{}\n", PACKAGES.join(" ")),
        cost: "about a minute and 3 GB",
    }
}

/// Installs the packages unless dpkg has them all, and checks that `swift` runs.
fn complete(ctx: &Ctx, chroot: &Chroot) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    let query: Vec<OsString> = ["dpkg-query", "-W", "-f=${db:Status-Status}\\n"]
        .into_iter()
        .chain(PACKAGES)
        .map(OsString::from)
        .collect();
    let installed = chroot.exec(sh, &[], &query, |cmd| {
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
        chroot.exec(sh, &[], &["sh".into(), "-c".into(), script.into()], |cmd| {
            cmd.run()
        })?;
    }
    let output = chroot.exec(sh, &[], &["swift".into(), "--version".into()], |cmd| {
        cmd.output()
    })?;
    eprintln!("swift: the chroot has {}", version(&output));
    Ok(())
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
