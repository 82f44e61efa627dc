//! The Python wheel: built by maturin, installed into a fresh virtualenv, tested with pytest;
//! beside it, its benchmark's driver (`python/bench.rs`).

pub(crate) mod bench;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use xshell::cmd;

use crate::report::Outcome;
use crate::vectors;
use crate::workspace::{Ctx, on_path};

/// What builds the wheel.
const BUILD_REQUIREMENTS: &str = "bindings/python/requirements-build.txt";
/// What tests it.
const TEST_REQUIREMENTS: &str = "bindings/python/requirements-test.txt";
/// The web frameworks and the browser driver the integration suites run with.
const WEB_REQUIREMENTS: &str = "bindings/python/requirements-web.txt";
/// pyarrow, Polars and pandas, for the Arrow suite.
const ARROW_REQUIREMENTS: &str = "bindings/python/requirements-arrow.txt";
/// The Spark suites: their own step (`spark.rs`), in their own virtualenv.
const SPARK_TESTS: &str = "bindings/python/tests/spark";
/// The framework example `demo` runs over HTTP.
const WEB_EXAMPLE_DEMO: &str = "examples/python/messenger/demo.py";
/// The wheel's extras the integration suites need (and the Arrow suite's).
const WEB_EXTRAS: &str = "[django,drf,fastapi,flask,arrow]";

/// Builds the wheel, installs it alone into a fresh virtualenv and imports it, then adds its web
/// extras and runs the pytest suites (the binding's, the framework integrations' as real servers,
/// the example servers' and the browser test) and mypy against the installed wheel.
///
/// The browser test needs Chromium, installed here when missing; where it cannot be had, every
/// other suite still runs, and the step reports itself skipped with the reason.
pub fn test(ctx: &Ctx) -> Outcome {
    if !on_path("python3") {
        return Outcome::Skipped("no python3 on PATH; install Python >= 3.9".to_owned());
    }
    let browser = crate::browser::ensure(ctx);
    let run = || -> anyhow::Result<String> {
        let sh = &ctx.sh;
        let venv = fresh_venv_with_wheel(ctx)?;
        let python = venv.join("bin/python");
        let requirements = ctx.path(TEST_REQUIREMENTS);
        let web = ctx.path(WEB_REQUIREMENTS);
        let arrow = ctx.path(ARROW_REQUIREMENTS);
        let with_extras = format!("{}{WEB_EXTRAS}", built_wheel(ctx)?.display());
        cmd!(
            sh,
            "{python} -m pip install --quiet {with_extras} --requirement {requirements} --requirement {web} --requirement {arrow}"
        )
        .run()?;
        // The JWT and payload vectors come from PyJWT, a test requirement, so they are checked
        // here.
        for generator in vectors::PYJWT_GENERATORS {
            cmd!(sh, "{python} {generator} --check").run()?;
        }
        cmd!(
            sh,
            "{python} -m pytest -q bindings/python/tests examples/python --ignore {SPARK_TESTS}"
        )
        .run()?;
        // The benchmarks still run (tiny counts; their figures are not judged here).
        bench::smoke(ctx, &python).context("the Python benchmarks' smoke run")?;
        Ok(format!(
            "wheel installed alone into {} and imported; JWT and payload vectors fresh (PyJWT); pytest (Arrow with pyarrow, Polars and pandas; Django, FastAPI, Flask as real servers{}); bench smoke",
            venv.display(),
            if browser.is_ok() {
                ", headless Chromium"
            } else {
                ""
            }
        ))
    };
    match (run(), browser) {
        (Ok(_), Err(reason)) => Outcome::Skipped(format!(
            "the browser test: {reason} (every other Python suite passed)"
        )),
        (result, _) => result.into(),
    }
}

/// Runs the Python demo; its stdout is the demo's JSON lines. Then shows one framework example
/// answering over HTTP: the Django messenger example, started on a free port, its page's payload
/// verified by its gate and a tampered copy refused (printed here, not part of the table).
pub fn demo(ctx: &Ctx) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let python = fresh_venv_with_wheel(ctx)?.join("bin/python");
    let tokens = cmd!(sh, "{python} examples/python/demo.py examples/demo.json").read()?;
    let with_django = format!("{}[django]", built_wheel(ctx)?.display());
    let web = ctx.path(WEB_REQUIREMENTS);
    cmd!(
        sh,
        "{python} -m pip install --quiet {with_django} --constraint {web}"
    )
    .run()?;
    let example = cmd!(sh, "{python} {WEB_EXAMPLE_DEMO}")
        .read()
        .context("the Django example's demo")?;
    println!("{example}");
    Ok(tokens)
}

/// Builds the wheel, and makes a new virtualenv holding nothing but it: proof that the wheel
/// installs and imports on its own.
fn fresh_venv_with_wheel(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let wheel = build_wheel(ctx)?;
    let venv = ctx.scratch().join("python-test-venv");
    if venv.exists() {
        std::fs::remove_dir_all(&venv)?;
    }
    make_venv(ctx, &venv)?;
    let python = venv.join("bin/python");
    cmd!(sh, "{python} -m pip install --quiet --no-deps {wheel}").run()?;
    let smoke = "import userhash; assert userhash.Signer(userhash.Scheme.by_name('intercom'), 'secret').sign(userhash.Identity(user_id='Message')).startswith('aa747c50')";
    // Run from outside the repository so `import userhash` can only find the installed wheel.
    let _outside = sh.push_dir(ctx.scratch());
    cmd!(sh, "{python} -c {smoke}")
        .run()
        .context("the freshly installed wheel does not import and sign")?;
    Ok(venv)
}

/// The wheel `build_wheel` left in target/wheels.
fn built_wheel(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    std::fs::read_dir(ctx.target().join("wheels"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .context("no wheel in target/wheels")
}

/// The wheel this run built, building it the first time it is asked for (`test` and the Spark
/// step share it, rather than running maturin twice).
pub fn wheel(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    if let Some(wheel) = BUILT.get() {
        return Ok(wheel.clone());
    }
    build_wheel(ctx)
}

/// The wheel `build_wheel` made in this run.
static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// `maturin build --release` into target/wheels; returns the wheel.
pub fn build_wheel(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let tools = tools_venv(ctx)?;
    let maturin = tools.join("bin/maturin");
    let out = ctx.target().join("wheels");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    let _package = sh.push_dir(ctx.path("bindings/python"));
    cmd!(sh, "{maturin} build --release --quiet --out {out}").run()?;
    let wheel = built_wheel(ctx).context("maturin produced no wheel")?;
    let _ = BUILT.set(wheel.clone());
    Ok(wheel)
}

/// A virtualenv with maturin, made once and remade when its requirements change.
fn tools_venv(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    requirements_venv(ctx, "python-tools-venv", BUILD_REQUIREMENTS)
}

/// The virtualenv `target/xtask/<name>` holding `requirements` (a path under the repository),
/// made once and remade when the file changes.
pub fn requirements_venv(ctx: &Ctx, name: &str, requirements: &str) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let venv = ctx.scratch().join(name);
    let requirements = ctx.path(requirements);
    let stamp = venv.join("requirements.installed");
    let wanted = std::fs::read_to_string(&requirements)?;
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(venv);
    }
    eprintln!(
        "xtask: installing {} into {}",
        requirements.display(),
        venv.display()
    );
    make_venv(ctx, &venv)?;
    let python = venv.join("bin/python");
    cmd!(sh, "{python} -m pip install --quiet --upgrade pip").run()?;
    cmd!(
        sh,
        "{python} -m pip install --quiet --requirement {requirements}"
    )
    .run()?;
    std::fs::write(&stamp, wanted)?;
    Ok(venv)
}

/// `python3 -m venv`, installing Debian's venv support first when it is missing.
fn make_venv(ctx: &Ctx, venv: &Path) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    if cmd!(sh, "python3 -m venv {venv}").quiet().run().is_ok() {
        return Ok(());
    }
    if !on_path("apt-get") {
        bail!("python3 cannot create a virtualenv; install your distribution's venv package");
    }
    eprintln!("xtask: python3 lacks venv support; installing python3-venv with apt-get");
    cmd!(sh, "apt-get install -y -qq python3-venv").run()?;
    cmd!(sh, "python3 -m venv {venv}").run()?;
    Ok(())
}
