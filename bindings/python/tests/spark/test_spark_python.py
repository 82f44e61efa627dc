"""userhash.spark: the Python path (an Arrow UDF signing each batch with the wheel) on a real
local Spark, against the shared vectors and the ``userhash batch`` command's output."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from pyspark.serializers import CloudPickleSerializer
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

import userhash
from userhash.spark import SecretFrom, sign_column

VECTORS = Path(__file__).resolve().parents[4] / "testdata" / "vectors"
ROWS = 100_000


def backfill_rows(path: Path, rows: int = ROWS) -> None:
    """A users table as CSV: a row number, a user id (absent every 997th row), an email (on
    every third row), and a row with neither every 4999th."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "user_id", "email"])
        for row in range(rows):
            user_id = "" if row % 997 == 0 or row % 4999 == 0 else f"user-{row:07d}-ü"
            email = f"u{row}@example.com" if row % 3 == 0 and row % 4999 else ""
            writer.writerow([row, user_id, email])


def cli_tokens(path: Path, scheme: str, secret: str) -> List[Optional[str]]:
    """`userhash batch` over the CSV: each row's token, None where it failed."""
    cli = os.environ.get("USERHASH_CLI")
    if not cli:
        pytest.skip("USERHASH_CLI is not set (cargo xtask test --lang spark sets it)")
    output = path.with_suffix(".signed.csv")
    env = {**os.environ, "USERHASH_BACKFILL_SECRET": secret}
    subprocess.run(
        [cli, "batch", "--scheme", scheme, "--secret-env", "USERHASH_BACKFILL_SECRET",
         "--input", str(path), "--output", str(output)],
        env=env, check=False, capture_output=True,
    )
    with output.open(encoding="utf-8", newline="") as signed:
        return [row["user_hash"] or None for row in csv.DictReader(signed)]


def read_users(spark: SparkSession, path: Path) -> DataFrame:
    # Empty CSV cells are nulls, as the CLI reads them as absent fields; several partitions, so
    # several Python workers' batches.
    return spark.read.csv(str(path), header=True, schema="row INT, user_id STRING, email STRING").repartition(3)


def tokens_by_row(df: DataFrame, column: str) -> List[Optional[str]]:
    table = df.select("row", column).toArrow().sort_by("row")
    return table.column(column).to_pylist()  # type: ignore[no-any-return]


def test_a_backfill_matches_the_cli_byte_for_byte(
    spark: SparkSession, tmp_path: Path, env_secret: tuple[str, str]
) -> None:
    ENV_SECRET_NAME, ENV_SECRET = env_secret
    users = tmp_path / "users.csv"
    backfill_rows(users)
    expected = cli_tokens(users, "intercom", ENV_SECRET)
    df = read_users(spark, users)
    signed = df.withColumn(
        "user_hash",
        sign_column(df["user_id"], df["email"], scheme="intercom",
                    secret_from=SecretFrom.env(ENV_SECRET_NAME)),
    )
    got = tokens_by_row(signed, "user_hash")
    assert len(got) == ROWS
    assert got == expected
    assert sum(token is None for token in got) == sum(token is None for token in expected) > 0
    # The broadcast path gives the same bytes.
    broadcast = df.withColumn(
        "user_hash",
        sign_column("user_id", "email", scheme="intercom",
                    secret_from=SecretFrom.broadcast(spark, ENV_SECRET)),
    )
    assert tokens_by_row(broadcast, "user_hash") == expected


def test_the_vectors_through_spark(spark: SparkSession) -> None:
    """Every hash vector of a few files, one job: one UDF per (scheme, secret, time), each row
    taking the token of its own group."""
    rows: List[Dict[str, Any]] = []
    groups: Dict[tuple, int] = {}
    for name in ("intercom.json", "helpshift.json", "jimo.json", "help-scout.json", "unicode.json", "limits.json"):
        for case in json.loads((VECTORS / name).read_text("utf-8"))["sign"]:
            key = (case["scheme"], case["secret"], case["timestamp"])
            group = groups.setdefault(key, len(groups))
            rows.append({"group": group, "id": case["id"], "user_id": case["user_id"],
                         "email": case["email"], "expected": case["expected"]})
    df = spark.createDataFrame(rows, "group INT, id STRING, user_id STRING, email STRING, expected STRING")
    token = F.lit(None).cast("string")
    for (scheme, secret, timestamp), group in groups.items():
        column = sign_column("user_id", "email", scheme=scheme,
                             secret_from=SecretFrom.broadcast(spark, secret), at=timestamp)
        token = F.when(F.col("group") == group, column).otherwise(token)
    result = df.select("id", "expected", token.alias("token")).toArrow().to_pylist()
    assert len(result) == len(rows) > 50
    for row in result:
        assert row["token"] == row["expected"], row["id"]


def test_errors_as_a_struct_and_nulls(spark: SparkSession, env_secret: tuple[str, str]) -> None:
    ENV_SECRET_NAME, _ = env_secret
    df = spark.createDataFrame(
        [("42", None), (None, None), ("", None), (None, "ada@example.com")], "user_id STRING, email STRING"
    )
    signed = df.select(sign_column("user_id", "email", scheme="intercom",
                                   secret_from=SecretFrom.env(ENV_SECRET_NAME), errors=True).alias("s"))
    result = [(row["s"]["user_hash"] is not None, row["s"]["error"]) for row in signed.collect()]
    assert result == [(True, None), (False, "unidentified"), (False, "empty_field"), (True, None)]


def test_the_secret_is_never_in_a_plan_or_a_pickled_udf(
    spark: SparkSession, capsys: pytest.CaptureFixture[str], env_secret: tuple[str, str]
) -> None:
    ENV_SECRET_NAME, ENV_SECRET = env_secret
    secret = "broadcast-only-secret-d41d8cd9"
    df = spark.createDataFrame([("42",)], "user_id STRING")
    for source in (SecretFrom.broadcast(spark, secret), SecretFrom.env(ENV_SECRET_NAME)):
        column = sign_column("user_id", scheme="intercom", secret_from=source)
        signed = df.select(column.alias("h"))
        signed.explain(mode="extended")
        shown = capsys.readouterr().out
        assert "userhash_sign" in shown
        plans = shown + signed._jdf.queryExecution().toString() + repr(source) + str(column)
        for text in (secret, ENV_SECRET):
            assert text not in plans
        pickled = CloudPickleSerializer().dumps(source)
        assert secret.encode() not in pickled and ENV_SECRET.encode() not in pickled
        assert signed.collect()[0]["h"] is not None
    # The UDF's pickled command (what the plan ships to executors) carries no secret either.
    from userhash.spark import _Sign

    body = _Sign("intercom", SecretFrom.broadcast(spark, secret), (True, False), False, None)
    assert secret.encode() not in CloudPickleSerializer().dumps(body)


def test_misconfiguration_fails_loudly(spark: SparkSession, env_secret: tuple[str, str]) -> None:
    ENV_SECRET_NAME, _ = env_secret
    df = spark.createDataFrame([("42",)], "user_id STRING")
    with pytest.raises(userhash.UserHashError.UnknownScheme):
        sign_column("user_id", scheme="intercon", secret_from=SecretFrom.env(ENV_SECRET_NAME))
    with pytest.raises(TypeError):
        sign_column("user_id", scheme="intercom", secret_from="the-secret")  # type: ignore[arg-type]
    missing = df.select(sign_column("user_id", scheme="intercom", secret_from=SecretFrom.env("USERHASH_NOT_SET")))
    with pytest.raises(Exception, match="USERHASH_NOT_SET is not set on this executor"):
        missing.collect()
