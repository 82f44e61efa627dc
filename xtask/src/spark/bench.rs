//! The Spark benchmark for `cargo xtask bench --only spark` (and, with `--quick`, the Spark
//! step's smoke run): `bindings/python/bench/bench_spark.py` in the Spark step's virtualenv, with
//! the JVM module on pyspark's classpath, signing a cached column of ids in local mode three ways;
//! their seconds are made into time per row per core, against Spark's built-in `sha2` on the same
//! column. The 1M-row runs live here only, never in `test`.

use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use super::{jvm_jars, spark_venv};
use crate::bench::{Row, Section, number, thousands};
use crate::kotlin::{HOST_LIBRARY_PATH, ensure_jvm_toolchain};
use crate::workspace::Ctx;

/// The harness.
const SCRIPT: &str = "bindings/python/bench/bench_spark.py";

/// Runs the harness with tiny counts with the Spark step's `python` and `jars`: the Spark
/// step's proof that it still runs.
pub(crate) fn smoke(ctx: &Ctx, python: &Path, jars: &str) -> anyhow::Result<()> {
    run_script(ctx, python, jars, true).map(drop)
}

/// Runs the harness from outside the repository (so `import userhash` finds the installed
/// wheel), with the JVM module's classpath; its stdout is one JSON object of medians.
fn run_script(ctx: &Ctx, python: &Path, jars: &str, quick: bool) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let script = ctx.path(SCRIPT);
    let quick = quick.then_some("--quick");
    let _outside = sh.push_dir(ctx.scratch());
    cmd!(sh, "{python} {script} {quick...}")
        .env("USERHASH_SPARK_JARS", jars)
        // `cargo run` puts target/debug on it; the harness loads only what it installs.
        .env_remove(HOST_LIBRARY_PATH)
        .read()
        .context("the Spark benchmark")
}

/// Installs the wheel into the Spark virtualenv and builds the JVM module, runs the harness and
/// makes the Spark section; `None` when no JDK can be had here.
pub(crate) fn section(ctx: &Ctx, quick: bool) -> anyhow::Result<Option<Section>> {
    if ensure_jvm_toolchain(ctx).is_err() {
        return Ok(None);
    }
    let python = spark_venv(ctx)?.join("bin/python");
    let jars = jvm_jars(ctx)?;
    let output = run_script(ctx, &python, &jars, quick)?;
    let json: Value = serde_json::from_str(&output).context("the Spark benchmark's JSON")?;
    Ok(Some(Section {
        title: "Spark, local mode (bindings/python/bench/bench_spark.py)",
        rows: rows(&json)?,
        notes: notes(&json)?,
    }))
}

/// The three signing paths' time per row per core, each against `sha2` on the same column.
fn rows(json: &Value) -> anyhow::Result<Vec<Row>> {
    const SHA2: &str = "Spark's built-in `sha2(user_id, 256)` on the same column, per row per core";
    let count = thousands(number(json, "count", "spark")?);
    let sha2 = per_row_per_core(json, "sha2")?;
    let row = |what: &str, way: &str| -> anyhow::Result<Row> {
        let what = format!("{what}, {count} rows, per row per core");
        Ok(Row::new(&what, per_row_per_core(json, way)?, SHA2, sha2))
    };
    Ok(vec![
        row(
            "PySpark `userhash.spark.sign_column` (an Arrow UDF)",
            "python_udf",
        )?,
        row(
            "JVM `UserHashSpark.signColumn` (per partition, 8,192 rows a native call)",
            "jvm_dataframe",
        )?,
        row(
            "JVM SQL function `userhash_sign(user_id, NULL)` (a native call per row)",
            "jvm_sql",
        )?,
    ])
}

/// Nanoseconds of one way's median wall time, times the cores Spark computed on, per row.
fn per_row_per_core(json: &Value, way: &str) -> anyhow::Result<f64> {
    let seconds = number(json, &format!("{way}_seconds"), "spark")?;
    let cores = number(json, "cores", "spark")?;
    let count = number(json, "count", "spark")?;
    Ok(seconds * cores / count * 1e9)
}

/// The run's setting, and each way's rows per second per core (what sizing a cluster needs).
fn notes(json: &Value) -> anyhow::Result<Vec<String>> {
    let rate =
        |way: &str| -> anyhow::Result<String> { Ok(thousands(1e9 / per_row_per_core(json, way)?)) };
    let setting = format!(
        "Spark {} (pyspark's own JVM), `local[{}]`, {} partitions of a cached column of ids \
         (`user-%08d`), each way written to Spark's `noop` sink so that every row is computed; \
         the median of several runs after a warm-up, read as wall time × cores per row. Rows per \
         second per core: `sha2` {}, the PySpark path {}, the JVM DataFrame function {}, the JVM \
         SQL function {}.",
        json["spark"].as_str().unwrap_or("?"),
        number(json, "cores", "spark")?,
        number(json, "partitions", "spark")?,
        rate("sha2")?,
        rate("python_udf")?,
        rate("jvm_dataframe")?,
        rate("jvm_sql")?,
    );
    Ok(vec![setting, String::new(), WAYS_NOTE.to_owned()])
}

/// What each way costs beyond the hashing, so that the ratios read right.
const WAYS_NOTE: &str = "`sha2` is the engine's own floor: an unkeyed SHA-256 per row inside the \
     JVM's generated code, no data leaving it. The PySpark path ships each batch to a Python \
     worker as Arrow and back (what any Python UDF pays) and signs it in one native call; the JVM \
     DataFrame function turns rows into identities and signs 8,192 at a time through the \
     binding's bulk call; the SQL function makes one native call per row.";
