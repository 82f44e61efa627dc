#!/usr/bin/env python3
"""Benchmarks of ``userhash.arrow.sign`` against the stdlib, measured in the same process and run.

    python bench_arrow.py [--quick]        # prints one JSON object (nanoseconds per id, medians)

A pyarrow string array of N user ids signed into a pyarrow string array of tokens (one call
through the Arrow C data interface, no Python object per row), beside a list comprehension over
``hmac.new(key, msg, sha256).hexdigest()`` on the same ids as a Python list (the stdlib loop a
backfill script would write); and the same call on a Polars ``Series`` (handed over through the
Arrow PyCapsule protocol). ``cargo xtask bench`` reads each against the Rust core's
``sign_batch`` (criterion) too. Every figure is the median of several repeats; read them as ratios.
``--quick`` only checks that everything runs. Needs ``userhash[arrow]`` and Polars.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import statistics
import sys
import timeit
from typing import Any, Callable, Dict

import polars as pl
import pyarrow as pa

import userhash
import userhash.arrow

SECRET = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8"


def per_item(function: Callable[[], object], count: int, repeat: int) -> float:
    """Median nanoseconds per item of a function that handles `count` items, after one warm-up."""
    function()
    return statistics.median(
        timeit.timeit(function, number=1) / count * 1e9 for _ in range(repeat)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: check it runs")
    args = parser.parse_args()
    count, repeat = (2_000, 1) if args.quick else (1_000_000, 5)

    signer = userhash.Signer(userhash.Scheme.by_name("intercom"), SECRET)
    key, new, sha256 = SECRET.encode(), hmac.new, hashlib.sha256
    # The ids of the core's batch benchmark (crates/userhash/benches/sign.rs), so that its
    # per-id figure is a like-for-like baseline.
    ids = [f"user-{i:08d}" for i in range(count)]
    column = pa.array(ids, type=pa.string())
    series = pl.Series("user_id", ids, dtype=pl.String)
    expected = [new(key, i.encode(), sha256).hexdigest() for i in ids]
    assert userhash.arrow.sign(signer, column).to_pylist() == expected
    assert userhash.arrow.sign(signer, series).to_pylist() == expected

    results: Dict[str, Any] = {
        "python": sys.version.split()[0],
        "pyarrow": pa.__version__,
        "polars": pl.__version__,
        "count": count,
    }
    results["stdlib_hmac_loop_per_id"] = per_item(
        lambda: [new(key, i.encode(), sha256).hexdigest() for i in ids], count, repeat
    )
    results["arrow_sign_per_id"] = per_item(
        lambda: userhash.arrow.sign(signer, column), count, repeat
    )
    results["polars_sign_per_id"] = per_item(
        lambda: userhash.arrow.sign(signer, series), count, repeat
    )
    json.dump(results, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
