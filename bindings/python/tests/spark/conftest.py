"""One local Spark session (``local[2]``) for every Spark test: starting Spark costs far more than
any test here, so the Python path's tests and the JVM path's share it.

``cargo xtask test --lang spark`` runs this directory with pyspark installed and sets
``USERHASH_CLI`` (the ``userhash`` command, whose ``batch`` output the Spark paths must match
byte for byte) and ``USERHASH_SPARK_JARS`` (the JVM module and its dependencies, for the JVM
path's tests).
"""

from __future__ import annotations

import os
import sys
from typing import Iterator

import pytest

pytest.importorskip("pyspark", reason="the Spark suites need pyspark (userhash[spark])")

from pyspark.sql import SparkSession  # noqa: E402

#: The secret the executors find in their environment (set through spark.executorEnv).
ENV_SECRET_NAME = "USERHASH_TEST_INTERCOM_SECRET"
ENV_SECRET = "spark-executor-secret-7f3a9c"


@pytest.fixture(scope="session")
def env_secret() -> tuple[str, str]:
    """The executors' environment variable holding the test secret, and its value."""
    return ENV_SECRET_NAME, ENV_SECRET


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # In local mode the JVM executor is the driver's JVM, which inherits this process's
    # environment: that is where its "executor environment" is. Python workers get the variable
    # from spark.executorEnv, as a cluster's executors do.
    os.environ[ENV_SECRET_NAME] = ENV_SECRET
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("userhash-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config(f"spark.executorEnv.{ENV_SECRET_NAME}", ENV_SECRET)
    )
    jars = os.environ.get("USERHASH_SPARK_JARS")
    if jars:
        # On the driver's own classpath (local mode: the executors are in the same JVM), so that
        # the userhash jar's native library loads through the application class loader.
        builder = builder.config("spark.driver.extraClassPath", jars)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
