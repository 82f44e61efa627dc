"""dev.userhash:userhash-spark, the JVM path, inside pyspark's JVM (the same Spark session as the
Python path's tests): the DataFrame function and the SQL function against the ``userhash
batch`` command's output on the same rows, the vectors, and no secret in any plan."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from pyspark.sql import DataFrame, SparkSession

from test_spark_python import VECTORS, backfill_rows, cli_tokens, read_users, tokens_by_row

if not os.environ.get("USERHASH_SPARK_JARS"):
    pytest.skip(
        "USERHASH_SPARK_JARS is not set: cargo xtask test --lang spark builds the JVM module and sets it",
        allow_module_level=True,
    )


def jvm(spark: SparkSession) -> Any:
    return spark.sparkContext._jvm.dev.userhash.spark.UserHashSpark  # type: ignore[union-attr]


def sign_column(spark: SparkSession, df: DataFrame, user_id: Optional[str], email: Optional[str],
                scheme: str, source: Any) -> DataFrame:
    return DataFrame(jvm(spark).signColumn(df._jdf, user_id, email, "user_hash", scheme, source), spark)


def test_a_backfill_matches_the_cli_byte_for_byte(
    spark: SparkSession, tmp_path: Path, env_secret: tuple[str, str]
) -> None:
    name, secret = env_secret
    users = tmp_path / "users.csv"
    backfill_rows(users)
    expected = cli_tokens(users, "intercom", secret)
    df = read_users(spark, users)
    from_env = sign_column(spark, df, "user_id", "email", "intercom", jvm(spark).secretFromEnv(name))
    assert tokens_by_row(from_env, "user_hash") == expected
    broadcast = jvm(spark).secretBroadcast(spark._jsparkSession, secret)
    assert tokens_by_row(sign_column(spark, df, "user_id", "email", "intercom", broadcast), "user_hash") == expected
    # The SQL function, one row at a time, gives the same bytes.
    jvm(spark).register(spark._jsparkSession, "userhash_sign", "intercom", jvm(spark).secretFromEnv(name))
    df.createOrReplaceTempView("backfill_users")
    sql = spark.sql("SELECT row, userhash_sign(user_id, email) AS user_hash FROM backfill_users")
    assert tokens_by_row(sql, "user_hash") == expected


def test_the_vectors_through_the_jvm(spark: SparkSession) -> None:
    """The hash vectors without a time (the JVM path stamps timestamped schemes with the clock):
    one signed DataFrame per (scheme, secret), all in one union, one job."""
    cases: List[Dict[str, Any]] = []
    groups: Dict[tuple, List[int]] = {}
    for name in ("intercom.json", "helpshift.json", "help-scout.json", "unicode.json", "limits.json"):
        for case in json.loads((VECTORS / name).read_text("utf-8"))["sign"]:
            if case["timestamp"] is None:
                groups.setdefault((case["scheme"], case["secret"]), []).append(len(cases))
                cases.append(case)
    df = spark.createDataFrame(
        [(row, case["user_id"], case["email"]) for row, case in enumerate(cases)],
        "row INT, user_id STRING, email STRING",
    ).coalesce(1).cache()  # one partition: one task per group, not one per core
    signed = [
        sign_column(spark, df.where(df["row"].isin(rows)), "user_id", "email", scheme,
                    jvm(spark).secretBroadcast(spark._jsparkSession, secret))
        for (scheme, secret), rows in groups.items()
    ]
    got = tokens_by_row(functools.reduce(DataFrame.unionByName, signed), "user_hash")
    assert len(got) == len(cases) > 50
    for case, token in zip(cases, got):
        assert token == case["expected"], case["id"]


def test_nulls_and_unsignable_rows(spark: SparkSession, env_secret: tuple[str, str]) -> None:
    name, _ = env_secret
    df = spark.createDataFrame([(0, "42"), (1, None), (2, "")], "row INT, user_id STRING")
    signed = sign_column(spark, df, "user_id", None, "intercom", jvm(spark).secretFromEnv(name))
    tokens = tokens_by_row(signed, "user_hash")
    assert tokens[0] is not None and tokens[1:] == [None, None]


def test_the_secret_is_never_in_a_plan(spark: SparkSession) -> None:
    secret = "jvm-broadcast-secret-9e107d9d"
    df = spark.createDataFrame([(0, "42")], "row INT, user_id STRING")
    source = jvm(spark).secretBroadcast(spark._jsparkSession, secret)
    signed = sign_column(spark, df, "user_id", None, "intercom", source)
    plans = signed._jdf.queryExecution().toString() + str(source.toString())
    assert secret not in plans and "SecretSource.broadcast(" in str(source.toString())
    jvm(spark).register(spark._jsparkSession, "userhash_sign_secret_test", "intercom", source)
    df.createOrReplaceTempView("secret_users")
    sql = spark.sql("SELECT userhash_sign_secret_test(user_id, NULL) AS h FROM secret_users")
    assert secret not in sql._jdf.queryExecution().toString()
    assert sql.collect()[0]["h"] is not None


def test_misconfiguration_fails_on_the_driver(spark: SparkSession, env_secret: tuple[str, str]) -> None:
    name, _ = env_secret
    df = spark.createDataFrame([(1,)], "row INT")
    source = jvm(spark).secretFromEnv(name)
    # py4j raises Py4JJavaError, or pyspark's own class for a JVM exception it knows.
    with pytest.raises(Exception, match="UnknownScheme"):
        sign_column(spark, df, "row", None, "intercon", source)
    with pytest.raises(Exception, match="column row is int, not string"):
        sign_column(spark, df, "row", None, "intercom", source)
    with pytest.raises(Exception, match="no column nope"):
        sign_column(spark, df, "nope", None, "intercom", source)
