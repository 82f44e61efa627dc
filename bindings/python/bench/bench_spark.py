#!/usr/bin/env python3
"""Benchmarks of signing a Spark column, against Spark's own ``sha2`` in the same session and run.

    python bench_spark.py [--quick]        # prints one JSON object (seconds, medians)

A local Spark (``local[2]``) signs a cached column of N user ids four ways, each written to
Spark's ``noop`` sink so that every row is computed and nothing else is: Spark's built-in
``sha2(user_id, 256)`` (the engine's own baseline: a hex SHA-256 per row, in the JVM, no key);
the PySpark path ``userhash.spark.sign_column`` (an Arrow UDF signing each batch with the
wheel); the JVM module's DataFrame function ``UserHashSpark.signColumn`` (a partition at a time,
8,192 rows per native call); and its SQL function ``userhash_sign`` (one native call per row).
``cargo xtask bench`` turns the seconds into time per row per core (``cores`` task slots). The
JVM paths need ``USERHASH_SPARK_JARS`` (the module and its dependencies), as the Spark suites do.
Every figure is the median of several repeats after a warm-up; ``--quick`` only checks that
everything runs.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
from typing import Any, Callable, Dict, List

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

import pyspark
from userhash.spark import SecretFrom, sign_column

SECRET = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8"
#: The executors' environment variable the signing paths read the secret from.
SECRET_ENV = "USERHASH_BENCH_SECRET"
#: Task slots, and so the cores Spark computes on.
CORES = 2


def session() -> SparkSession:
    """A local Spark with the JVM module on the driver's classpath (local mode: the executors are
    the driver's JVM) and the secret in the executors' environment."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ[SECRET_ENV] = SECRET
    jars = os.environ.get("USERHASH_SPARK_JARS")
    if not jars:
        raise SystemExit("USERHASH_SPARK_JARS is not set: cargo xtask bench --only spark sets it")
    spark = (
        SparkSession.builder.master(f"local[{CORES}]")
        .appName("userhash-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .config(f"spark.executorEnv.{SECRET_ENV}", SECRET)
        .config("spark.driver.extraClassPath", jars)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def ways(spark: SparkSession) -> Dict[str, Callable[[DataFrame], DataFrame]]:
    """Each way of adding a `user_hash` column to a DataFrame with a `user_id` column."""
    jvm = spark.sparkContext._jvm.dev.userhash.spark.UserHashSpark  # type: ignore[union-attr]
    source = jvm.secretFromEnv(SECRET_ENV)
    jvm.register(spark._jsparkSession, "userhash_sign", "intercom", source)
    python_column = sign_column("user_id", scheme="intercom", secret_from=SecretFrom.env(SECRET_ENV))
    return {
        "sha2": lambda df: df.withColumn("user_hash", F.sha2("user_id", 256)),
        "python_udf": lambda df: df.withColumn("user_hash", python_column),
        "jvm_dataframe": lambda df: DataFrame(
            jvm.signColumn(df._jdf, "user_id", None, "user_hash", "intercom", source), spark
        ),
        "jvm_sql": lambda df: df.withColumn("user_hash", F.expr("userhash_sign(user_id, NULL)")),
    }


def check(spark: SparkSession, sign: Callable[[DataFrame], DataFrame], name: str) -> None:
    """The way gives the stdlib's tokens on a few rows (sha2 gives the unkeyed digest)."""
    ids = [f"user-{i:08d}" for i in range(50)]
    df = spark.createDataFrame([(i,) for i in ids], "user_id STRING")
    got = [row["user_hash"] for row in sign(df).collect()]
    if name == "sha2":
        expected = [hashlib.sha256(i.encode()).hexdigest() for i in ids]
    else:
        expected = [hmac.new(SECRET.encode(), i.encode(), hashlib.sha256).hexdigest() for i in ids]
    assert got == expected, name


def seconds(job: Callable[[], None], repeat: int, warm_up: bool) -> float:
    """Median wall seconds of `job` over `repeat` runs, after one warm-up run if asked."""
    if warm_up:
        job()
    timings: List[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        job()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: check it runs")
    args = parser.parse_args()
    count, repeat = (2_000, 1) if args.quick else (1_000_000, 5)
    spark = session()
    users = (
        spark.range(count, numPartitions=2 * CORES)
        .selectExpr("format_string('user-%08d', id) AS user_id")
        .cache()
    )
    users.count()
    results: Dict[str, Any] = {
        "spark": pyspark.__version__,
        "python": sys.version.split()[0],
        "count": count,
        "cores": CORES,
        "partitions": users.rdd.getNumPartitions(),
    }
    for name, sign in ways(spark).items():
        check(spark, sign, name)
        writer = sign(users).write.format("noop").mode("overwrite")
        results[f"{name}_seconds"] = seconds(writer.save, repeat, warm_up=not args.quick)
    spark.stop()
    json.dump(results, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
