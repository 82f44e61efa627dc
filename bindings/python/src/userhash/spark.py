"""PySpark: sign a column on the executors, one Arrow batch at a time.

:func:`sign_column` is a column expression like any other: Spark ships each partition's rows to
the executors' Python workers as Arrow batches (an Arrow UDF), and each batch is signed in place
by :func:`userhash.arrow.sign` — the wheel's native code on every core of the worker, no Python
object per row.

    >>> from userhash.spark import SecretFrom, sign_column  # doctest: +SKIP
    >>> users.withColumn("user_hash", sign_column(users["user_id"], scheme="intercom",
    ...                  secret_from=SecretFrom.env("INTERCOM_SECRET")))  # doctest: +SKIP

The secret never travels in the plan: the column carries where each executor finds it — an
environment variable of the executors (:meth:`SecretFrom.env`, set with
``spark.executorEnv.<NAME>`` or the cluster's own secret injection), or a broadcast variable
(:meth:`SecretFrom.broadcast`) — and the executor reads it when it first signs, builds one
:class:`userhash.Signer` per worker process, and keeps it. Plans, ``explain()``, the UI and log
lines show the variable's name or the broadcast's id, never the secret. Needs pyspark >= 4.1
and pyarrow: ``pip install userhash[spark]``.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Union

import pyarrow as pa

import userhash
import userhash.arrow

if TYPE_CHECKING:
    from pyspark.sql import Column, SparkSession
    from pyspark.core.broadcast import Broadcast

__all__ = ["SecretFrom", "sign_column"]

#: The column a token-and-error struct holds its token in, and its error code in.
TOKEN_FIELD, ERROR_FIELD = "user_hash", "error"


class SecretFrom:
    """Where the executors find the signing secret. Build one with :meth:`env` or
    :meth:`broadcast`; it holds the variable's name or the broadcast's handle, never the secret,
    so it can travel inside a Spark plan."""

    __slots__ = ("_kind", "_name", "_broadcast")

    def __init__(self, kind: str, name: str, broadcast: Optional["Broadcast[bytes]"] = None) -> None:
        if kind not in ("env", "broadcast"):
            raise ValueError(f"unknown secret source {kind!r}: use SecretFrom.env or SecretFrom.broadcast")
        self._kind, self._name, self._broadcast = kind, name, broadcast

    @classmethod
    def env(cls, name: str) -> "SecretFrom":
        """The executors' environment variable ``name``: set it with
        ``spark.executorEnv.<name>`` (Spark hides configuration values whose key matches
        ``spark.redaction.regex``, by default anything containing ``secret``, ``password`` or
        ``token``, in its UI and event logs), or through the cluster's secret injection."""
        if not isinstance(name, str) or not name:
            raise ValueError("SecretFrom.env needs the name of an environment variable")
        return cls("env", name)

    @classmethod
    def broadcast(cls, spark: "SparkSession", secret: str) -> "SecretFrom":
        """A broadcast of the secret from the driver: each executor fetches it once, through
        Spark's block manager, when it first signs. The plan carries the broadcast's id only."""
        if not isinstance(secret, str):
            raise TypeError("the secret must be a str")
        handle = spark.sparkContext.broadcast(secret.encode())
        # The broadcast pickles as its id (Broadcast.__reduce__); the id also names the signer.
        return cls("broadcast", f"broadcast-{handle._jbroadcast.id()}", handle)

    def _read(self) -> str:
        """The secret, on an executor."""
        if self._kind == "env":
            value = os.environ.get(self._name)
            if value is None:
                raise RuntimeError(
                    f"userhash.spark: the environment variable {self._name} is not set on this "
                    f"executor; set spark.executorEnv.{self._name} (or the cluster's secret "
                    "injection) for every executor"
                )
            return value
        assert self._broadcast is not None
        return bytes(self._broadcast.value).decode()

    def __repr__(self) -> str:
        return f"SecretFrom.{self._kind}({self._name!r})"

    def __getstate__(self) -> Tuple[str, str, Any]:
        return (self._kind, self._name, self._broadcast)

    def __setstate__(self, state: Tuple[str, str, Any]) -> None:
        self._kind, self._name, self._broadcast = state


# One signer per (scheme, secret source) per worker process: Spark reuses Python workers, so the
# key's pad states are computed once per worker, not once per batch.
_SIGNERS: Dict[Tuple[str, str, str], userhash.Signer] = {}
_SIGNERS_LOCK = threading.Lock()


def _signer(scheme: str, secret_from: SecretFrom) -> userhash.Signer:
    key = (scheme, secret_from._kind, secret_from._name)
    with _SIGNERS_LOCK:
        signer = _SIGNERS.get(key)
        if signer is None:
            signer = userhash.Signer(_scheme(scheme), secret_from._read())
            _SIGNERS[key] = signer
        return signer


def _scheme(scheme: str) -> userhash.Scheme:
    """A preset by name, or a custom scheme's spec (``subject=...,output=...``)."""
    return userhash.Scheme.parse(scheme) if "=" in scheme else userhash.Scheme.by_name(scheme)


class _Sign:
    """What each executor runs per Arrow batch; pickled into the plan with the scheme and where
    the secret is, and nothing else."""

    def __init__(self, scheme: str, secret_from: SecretFrom, fields: Tuple[bool, bool],
                 errors: bool, at: Optional[int]) -> None:
        self.scheme, self.secret_from, self.fields = scheme, secret_from, fields
        self.errors, self.at = errors, at

    def __call__(self, *columns: "pa.Array") -> "pa.Array":
        given = iter(columns)
        user_ids = next(given) if self.fields[0] else None
        emails = next(given) if self.fields[1] else None
        signer = _signer(self.scheme, self.secret_from)
        if not self.errors:
            return userhash.arrow.sign(signer, user_ids, emails, at=self.at)  # type: ignore[return-value]
        tokens, codes = userhash.arrow.sign(signer, user_ids, emails, errors=True, at=self.at)
        return pa.StructArray.from_arrays([tokens, codes], names=[TOKEN_FIELD, ERROR_FIELD])


def sign_column(
    user_id: Union["Column", str, None] = None,
    email: Union["Column", str, None] = None,
    *,
    scheme: str,
    secret_from: SecretFrom,
    errors: bool = False,
    at: Optional[int] = None,
) -> "Column":
    """A string column of tokens for a column of user ids, of emails, or both: each row's token
    exactly as ``Signer.sign`` gives it for that row's identity (a null is an absent field), or
    null where the row cannot be signed.

    ``scheme`` is a preset name (``"intercom"``) or a custom scheme's spec; ``secret_from`` says
    where the executors find the secret (:class:`SecretFrom`). With ``errors=True`` the column is
    a struct of ``user_hash`` and ``error`` (the failed row's error code, as
    :func:`userhash.arrow.sign` gives it). Timestamped and JWT schemes stamp each Arrow batch with
    the executor's clock read once, or every row with ``at`` (unix seconds) when given.

    The scheme is checked here, on the driver, so a misspelt name fails before any job runs.
    """
    from pyspark.sql.functions import arrow_udf
    from pyspark.sql.types import StringType, StructField, StructType

    if not isinstance(secret_from, SecretFrom):
        raise TypeError("secret_from must be a userhash.spark.SecretFrom (SecretFrom.env(...) or SecretFrom.broadcast(...))")
    if not isinstance(scheme, str):
        raise TypeError("scheme must be a preset name or a custom scheme's spec (a str)")
    _scheme(scheme)  # raises UserHashError.UnknownScheme (or a spec error) now, on the driver
    if user_id is None and email is None:
        raise TypeError("sign_column() needs a column of user ids, of emails, or both")
    columns = [column for column in (user_id, email) if column is not None]
    result: Any = StringType()
    if errors:
        result = StructType([
            StructField(TOKEN_FIELD, StringType(), True),
            StructField(ERROR_FIELD, StringType(), True),
        ])
    body = _Sign(scheme, secret_from, (user_id is not None, email is not None), errors, at)
    if len(columns) == 1:
        def userhash_sign(values: pa.Array) -> pa.Array:
            return body(values)
    else:
        def userhash_sign(values: pa.Array, emails: pa.Array) -> pa.Array:  # type: ignore[misc]
            return body(values, emails)
    return arrow_udf(userhash_sign, result)(*columns)  # type: ignore[no-any-return]
