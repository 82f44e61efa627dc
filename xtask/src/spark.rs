//! The Spark suites (`bindings/python/tests/spark`): PySpark in local mode (`local[2]`, on the
//! machine's JDK) signs a 100k-row table through the Python path (`userhash.spark`, an Arrow UDF
//! over the wheel) and through the JVM module (`dev.userhash:userhash-spark`, loaded into
//! pyspark's own JVM: its DataFrame function and its SQL function), each byte for byte against
//! the `userhash batch` command on the same rows, plus the vectors, the errors and the secret's
//! absence from every plan. One Spark session serves every test: starting it costs more than any
//! test.
//!
//! Beside it, the Spark benchmark's driver (`spark/bench.rs`), whose smoke run this step makes.
//!
//! pyspark is large, so its virtualenv is kept between runs (remade when
//! `requirements-spark.txt` changes) and only the freshly built wheel is reinstalled into it.

pub(crate) mod bench;

use anyhow::Context as _;
use xshell::cmd;

use crate::report::Outcome;
use crate::workspace::Ctx;
use crate::{kotlin, python};

/// pyspark (pinned to the JVM module's Spark), pyarrow, Polars, pandas and pytest.
const REQUIREMENTS: &str = "bindings/python/requirements-spark.txt";
/// The suites.
const TESTS: &str = "bindings/python/tests/spark";

/// Builds the wheel and the CLI, then runs the Spark suites in the kept virtualenv.
pub fn test(ctx: &Ctx) -> Outcome {
    if let Err(reason) = kotlin::ensure_jvm_toolchain(ctx) {
        return Outcome::Skipped(format!("Spark needs a JDK: {reason}"));
    }
    let run = || -> anyhow::Result<String> {
        let sh = &ctx.sh;
        let python = spark_venv(ctx)?.join("bin/python");
        // The CLI whose `batch` output the Spark paths must match (the debug build `cargo test`
        // already made, when the Rust step ran first).
        cmd!(sh, "cargo build --quiet --package userhash-cli").run()?;
        let cli = ctx.target().join("debug/userhash");
        let jars = jvm_jars(ctx)?;
        let tests = ctx.path(TESTS);
        let _outside = sh.push_dir(ctx.scratch());
        cmd!(sh, "{python} -m pytest -q -p no:cacheprovider {tests}")
            .env("USERHASH_CLI", &cli)
            .env("USERHASH_SPARK_JARS", &jars)
            // `cargo run` puts target/debug on it; the suites load only what they install.
            .env_remove("LD_LIBRARY_PATH")
            .run()
            .context("the Spark suites")?;
        // The benchmark still runs (tiny counts; its figures are not judged here).
        bench::smoke(ctx, &python, &jars).context("the Spark benchmark's smoke run")?;
        Ok("PySpark local[2]: the Python path, the JVM DataFrame and SQL functions over 100k rows = `userhash batch`; the vectors, errors, no secret in any plan; bench smoke".to_owned())
    };
    run().into()
}

/// The kept virtualenv with pyspark, and the freshly built wheel installed into it.
pub fn spark_venv(ctx: &Ctx) -> anyhow::Result<std::path::PathBuf> {
    let sh = &ctx.sh;
    let wheel = python::wheel(ctx)?;
    let venv = python::requirements_venv(ctx, "spark-venv", REQUIREMENTS)?;
    let python = venv.join("bin/python");
    cmd!(
        sh,
        "{python} -m pip install --quiet --force-reinstall --no-deps {wheel}"
    )
    .run()?;
    Ok(venv)
}

/// The JVM module (`bindings/kotlin/userhash-spark`).
const JVM_MODULE: &str = "bindings/kotlin/userhash-spark";

/// The JVM module's jar and its runtime dependencies (the binding jar, JNA, Kotlin's standard
/// library) as one classpath, for pyspark's JVM; Spark itself is pyspark's. The module is packaged
/// against the binding jar the Kotlin step installed, or, when that is missing (`--lang spark`
/// alone on a fresh machine), the reactor builds and installs both.
pub fn jvm_jars(ctx: &Ctx) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let module = ctx.path(JVM_MODULE);
    let pom = module.join("pom.xml");
    let packaged = cmd!(sh, "mvn -B -q -ntp -f {pom} package -DskipTests")
        .env_remove("LD_LIBRARY_PATH")
        .run();
    if packaged.is_err() {
        eprintln!("xtask: packaging userhash-spark alone failed; building the JVM reactor for it");
        kotlin::prepare(ctx)?;
        let reactor = ctx.path("bindings/kotlin/pom.xml");
        cmd!(
            sh,
            "mvn -B -q -ntp -f {reactor} -pl userhash-spark -am install -DskipTests"
        )
        .env_remove("LD_LIBRARY_PATH")
        .run()
        .context("building userhash-spark")?;
    }
    let version = env!("CARGO_PKG_VERSION");
    let jar = module.join(format!("target/userhash-spark-{version}.jar"));
    let dependencies = std::fs::read_to_string(module.join("target/runtime-classpath.txt"))
        .context("the module's runtime classpath (maven-dependency-plugin's build-classpath)")?;
    Ok(format!("{}:{}", jar.display(), dependencies.trim()))
}
