//! The release artifacts run where they will run: each wheel installed by pip into a Python of
//! its architecture, the jar loaded by a JVM of each architecture, the CLI run, each through the
//! binding's own suite over the shared vectors. aarch64 runs under `qemu-aarch64 -L <sysroot>`
//! inside the reach chroot; x86-64 natively.
//!
//! `Coverage::Smoke` (in `cargo xtask test`) takes, from every vector file, the first case of
//! each section and every error case (`USERHASH_VECTORS_SUBSET=smoke` for pytest,
//! `-Duserhash.vectors.subset=smoke` for JUnit); `Coverage::Full` (in `cargo xtask dist`) runs
//! every case, and the JVM's whole unit suite.

use std::path::PathBuf;

use anyhow::{Context as _, ensure};
use xshell::cmd;

use super::build::{Built, Platform, X86_64, fresh_dir};
use super::cross::{Cross, JAVA, PYTHON, SYSROOT};
use crate::workspace::Ctx;

/// How much of the shared vectors a run covers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// One case per section per file, and every error case.
    Smoke,
    /// Everything.
    Full,
}

impl Coverage {
    fn subset(self) -> &'static str {
        match self {
            Coverage::Smoke => "smoke",
            Coverage::Full => "all",
        }
    }
}

/// The pytest file that runs against a wheel of another architecture: every section of the
/// vectors, the error vectors included (the other files start subprocesses, which cannot run
/// under qemu-user without binfmt_misc).
const PYTHON_TESTS: [&str; 1] = ["bindings/python/tests/test_vectors.py"];
/// The JUnit classes of a smoke run (a full run takes every test class).
const JVM_SMOKE_CLASSES: [&str; 3] = [
    "dev.userhash.VectorsTest",
    "dev.userhash.LaneTest",
    "dev.userhash.ErrorsTest",
];

/// Installs `built.wheel` alone into a fresh virtualenv of a Python of its architecture, with
/// pytest from wheels downloaded on the host, and runs the vector and error suites against it.
/// Returns pytest's closing line.
pub fn python(
    ctx: &Ctx,
    built: &Built,
    cross: Option<&Cross>,
    coverage: Coverage,
) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let platform = built.platform;
    let reach = ctx.scratch().join("reach");
    let wheels = pytest_wheels(ctx, platform)?;
    let venv = reach.join(format!("venv-{}", platform.arch));
    if venv.exists() {
        std::fs::remove_dir_all(&venv)?;
    }
    let wheel = &built.wheel;
    let tests = PYTHON_TESTS.join(" ");
    let pytest = format!(
        "-m pytest -q -p no:cacheprovider -o addopts= --rootdir {} {tests}",
        ctx.path("bindings/python").display()
    );
    let output = match cross {
        None => {
            native(platform)?;
            cmd!(sh, "python3 -m venv {venv}").quiet().run()?;
            let python = venv.join("bin/python");
            cmd!(
                sh,
                "{python} -m pip install --quiet --disable-pip-version-check --no-index --find-links {wheels} {wheel} pytest"
            )
            .run()?;
            let args: Vec<&str> = pytest.split(' ').collect();
            cmd!(sh, "{python} {args...}")
                .env("USERHASH_VECTORS_SUBSET", coverage.subset())
                .read()?
        }
        Some(cross) => {
            // No binfmt_misc: a program under qemu cannot start another aarch64 program, so
            // no `venv` with pip (ensurepip runs pip in a subprocess): pip runs from its wheel.
            let (venv, wheels, wheel) = (venv.display(), wheels.display(), wheel.display());
            let qemu = format!("qemu-aarch64 -L {SYSROOT}");
            cross.read(
                ctx,
                &ctx.root,
                &[("USERHASH_VECTORS_SUBSET", coverage.subset().to_owned())],
                &format!(
                    r#"set -e
{qemu} {PYTHON} -m venv --without-pip {venv}
pip=$(ls {SYSROOT}/usr/share/python-wheels/pip-*.whl)
{qemu} {venv}/bin/python "$pip/pip" install --quiet --disable-pip-version-check --no-index --find-links {wheels} {wheel} pytest >&2
{qemu} {venv}/bin/python -c 'import platform, userhash; print("userhash", userhash.__file__, platform.machine())' >&2
{qemu} {venv}/bin/python {pytest}"#
                ),
            )?
        }
    };
    eprintln!("{output}");
    closing_line(&output, "pytest")
}

/// pytest's wheels for Python 3.13 and `platform` (pure Python), downloaded once on the host, so
/// that pip under qemu needs no network.
fn pytest_wheels(ctx: &Ctx, platform: Platform) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let requirement = pytest_requirement(ctx)?;
    let dir = ctx.scratch().join("reach/pytest-wheels");
    let stamp = dir.join("requirement.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(requirement.as_str()) {
        return Ok(dir);
    }
    fresh_dir(&dir)?;
    let tag = format!("manylinux2014_{}", platform.arch);
    cmd!(
        sh,
        "python3 -m pip download --quiet --disable-pip-version-check --dest {dir} --only-binary=:all: --python-version 3.13 --platform {tag} {requirement}"
    )
    .run()
    .context("downloading pytest's wheels")?;
    std::fs::write(&stamp, &requirement)?;
    Ok(dir)
}

/// The pytest requirement of `bindings/python/requirements-test.txt`.
fn pytest_requirement(ctx: &Ctx) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(ctx.path("bindings/python/requirements-test.txt"))?;
    text.lines()
        .map(str::trim)
        .find(|line| line.starts_with("pytest"))
        .map(str::to_owned)
        .context("requirements-test.txt names no pytest")
}

/// A JVM run outside Maven: the jar, the test classes and their classpath, and JUnit's console
/// launcher, staged by `jar::package`.
pub struct JvmRun {
    /// The packaged jar (both platforms' libraries inside).
    pub jar: PathBuf,
    /// The compiled test classes.
    pub test_classes: PathBuf,
    /// The tests' dependencies (JUnit, Jackson, the jar's own: JNA, the Kotlin stdlib).
    pub libs: Vec<PathBuf>,
    /// `junit-platform-console-standalone`.
    pub console: PathBuf,
}

/// Runs the JUnit suite (smoke: the vectors, the direct path, the exceptions) against the jar in
/// a JVM of `platform`: the host's `java` for x86-64, OpenJDK 21 under qemu for aarch64.
/// Returns the launcher's count of tests.
pub fn jvm(
    ctx: &Ctx,
    run: &JvmRun,
    platform: Platform,
    cross: Option<&Cross>,
    coverage: Coverage,
) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let classpath = std::env::join_paths(
        [run.test_classes.clone(), run.jar.clone()]
            .into_iter()
            .chain(run.libs.iter().cloned()),
    )?
    .to_string_lossy()
    .into_owned();
    let vectors = ctx.path("testdata/vectors");
    let mut args: Vec<String> = vec![
        format!("-Duserhash.vectors={}", vectors.display()),
        format!("-Duserhash.vectors.subset={}", coverage.subset()),
        "-jar".into(),
        run.console.display().to_string(),
        "execute".into(),
        "--disable-banner".into(),
        "--disable-ansi-colors".into(),
        "--details=summary".into(),
        "--fail-if-no-tests".into(),
        "--class-path".into(),
        classpath,
    ];
    match coverage {
        Coverage::Smoke => {
            for class in JVM_SMOKE_CLASSES {
                args.push(format!("--select-class={class}"));
            }
        }
        Coverage::Full => args.push("--select-package=dev.userhash".into()),
    }
    let output = match cross {
        None => {
            native(platform)?;
            let out = cmd!(sh, "java {args...}")
                .env_remove("LD_LIBRARY_PATH")
                .ignore_status()
                .output()?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
            ensure!(out.status.success(), "JUnit failed on {}", platform.arch);
            text
        }
        Some(cross) => {
            let quoted: Vec<String> = args.iter().map(|arg| format!("'{arg}'")).collect();
            let text = cross.read(
                ctx,
                &ctx.root,
                &[],
                &format!(
                    "qemu-aarch64 -L {SYSROOT} {JAVA} -XshowSettings:properties -version 2>&1 | grep -E 'os.arch|java.vm.version' >&2\nqemu-aarch64 -L {SYSROOT} {JAVA} {}",
                    quoted.join(" ")
                ),
            )?;
            eprintln!("{text}");
            text
        }
    };
    let found = output
        .lines()
        .find(|line| line.contains("tests successful"))
        .map(|line| line.trim_matches(['[', ']', ' ']).to_owned())
        .context("JUnit printed no count of successful tests")?;
    ensure!(
        output.lines().any(|line| line.contains(" 0 tests failed")),
        "JUnit reports failures on {}",
        platform.arch
    );
    Ok(found)
}

/// The `userhash` command signs a known vector (Intercom's `Message` under `secret`).
pub fn cli(ctx: &Ctx, built: &Built, cross: Option<&Cross>) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    let cli = &built.cli;
    const EXPECTED: &str = "aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597";
    let args = "sign --scheme intercom --user-id Message --secret-env USERHASH_SMOKE_SECRET";
    let out = match cross {
        None => {
            let args: Vec<&str> = args.split(' ').collect();
            cmd!(sh, "{cli} {args...}")
                .env("USERHASH_SMOKE_SECRET", "secret")
                .read()?
        }
        Some(cross) => cross.read(
            ctx,
            &ctx.root,
            &[("USERHASH_SMOKE_SECRET", "secret".to_owned())],
            &format!("qemu-aarch64 -L {SYSROOT} {} {args}", cli.display()),
        )?,
    };
    ensure!(
        out.trim() == EXPECTED,
        "the {} CLI printed {out:?}",
        built.platform.arch
    );
    Ok(())
}

/// Fails unless `platform` runs natively here (the others run under qemu in the reach root).
fn native(platform: Platform) -> anyhow::Result<()> {
    ensure!(
        platform.arch == X86_64.arch && cfg!(target_arch = "x86_64"),
        "no way to run {} here",
        platform.arch
    );
    Ok(())
}

/// The last line of `output` that reads like a test runner's count.
fn closing_line(output: &str, runner: &str) -> anyhow::Result<String> {
    output
        .lines()
        .rev()
        .find(|line| line.contains(" passed"))
        .map(|line| line.trim_matches(['=', ' ']).to_owned())
        .with_context(|| format!("{runner} printed no count"))
}

/// The Swift archive's static library, linked by zig into a C program for glibc 2.17 and run:
/// proof that `libuserhash_ffi.a` links against the oldest glibc we claim and works. Returns the
/// program, for the glibc check.
pub fn staticlib(
    ctx: &Ctx,
    built: &Built,
    tools: &std::path::Path,
    cross: Option<&Cross>,
) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let dir = fresh_dir(
        &ctx.scratch()
            .join(format!("reach/staticlib-{}", built.platform.arch)),
    )?;
    let source = dir.join("main.c");
    std::fs::write(
        &source,
        "#include <stdint.h>\n#include <stdio.h>\nuint32_t ffi_userhash_ffi_uniffi_contract_version(void);\nint main(void) { printf(\"%u\\n\", ffi_userhash_ffi_uniffi_contract_version()); return 0; }\n",
    )?;
    let program = dir.join("check");
    let python = tools.join("bin/python");
    let target = format!("{}-linux-gnu.2.17", built.platform.arch);
    let archive = &built.staticlib;
    // Rust's std needs an unwinder (`_Unwind_*`): Swift's toolchain links libgcc_s; here zig's
    // libunwind.
    cmd!(
        sh,
        "{python} -m ziglang cc -target {target} {source} {archive} -o {program} -lpthread -ldl -lm -lunwind"
    )
    .run()
    .context("linking the static library with zig for glibc 2.17")?;
    let out = match cross {
        None => cmd!(sh, "{program}").read()?,
        Some(cross) => cross.read(
            ctx,
            &ctx.root,
            &[],
            &format!("qemu-aarch64 -L {SYSROOT} {}", program.display()),
        )?,
    };
    ensure!(
        out.trim().parse::<u32>().is_ok_and(|version| version > 0),
        "the program linked with the {} static library printed {out:?}",
        built.platform.arch
    );
    Ok(program)
}
