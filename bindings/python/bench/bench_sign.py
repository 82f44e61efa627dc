#!/usr/bin/env python3
"""Benchmarks of the Python binding against the stdlib, measured in the same process and run.

    python bench_sign.py [--quick]        # prints one JSON object (nanoseconds, medians)

Single calls, through the fast lane: ``Signer.sign`` on a 41-byte user id beside ``hmac.new(key,
msg, sha256).hexdigest()`` (the stdlib one-liner every snippet uses); ``Verifier.verify`` and
``Gate.check`` beside ``hmac.compare_digest(hmac.new(...).hexdigest(), token)``; each beside the
generated uniffi method the lane replaces. Bulk: ``Signer.sign_many`` over N ids, beside a list
comprehension over the stdlib ``hmac``, and beside its own two halves (the lane's batch call,
and making the ``str`` objects). Every figure is the median of several repeats; read them as ratios (``cargo
xtask bench`` writes them to docs/benchmarks.md). ``--quick`` only checks that everything runs.
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import hashlib
import hmac
import io
import json
import pstats
import statistics
import sys
import timeit
from typing import Any, Callable, Dict, List

import userhash
from userhash import _lane

SECRET = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8"
USER_ID = "user-4f1c9a2e-7d3b-4c8e-9f01-2b3c4d5e6f70"  # 41 bytes, as in the Rust benchmark


def per_call(function: Callable[[], object], number: int, repeat: int) -> float:
    """Median nanoseconds per call over `repeat` timings of `number` calls."""
    return statistics.median(
        timeit.timeit(function, number=number) / number * 1e9 for _ in range(repeat)
    )


def per_item(function: Callable[[], List[Any]], count: int, repeat: int) -> float:
    """Median nanoseconds per item of a function that handles `count` items."""
    timings = []
    for _ in range(repeat):
        timings.append(timeit.timeit(function, number=1) / count * 1e9)
    return statistics.median(timings)


def profile_of_generated_sign(signer: userhash.Signer, identity: userhash.Identity) -> List[str]:
    """Where the generated per-item path spends its time: cProfile's top functions."""
    generated = _lane._GENERATED_SIGN
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(2000):
        generated(signer, identity)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(8)
    return [line.strip() for line in out.getvalue().splitlines() if "(" in line][:8]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: check it runs")
    args = parser.parse_args()
    number, repeat, count = (200, 2, 2_000) if args.quick else (20_000, 9, 1_000_000)

    signer = userhash.Signer(userhash.Scheme.by_name("intercom"), SECRET)
    key = SECRET.encode()
    identity = userhash.Identity(user_id=USER_ID)
    message = USER_ID
    new, sha256 = hmac.new, hashlib.sha256
    assert signer.sign(identity) == new(key, message.encode(), sha256).hexdigest()
    token = signer.sign(identity)
    verifier = userhash.Verifier(userhash.Keyring(signer.scheme()).with_key("web", SECRET))
    gate = userhash.Gate(verifier, userhash.Enforcement.ENFORCE)
    assert verifier.verify(identity, token).label == "web" and gate.check(identity, token).allowed
    compare_digest = hmac.compare_digest

    results: Dict[str, Any] = {"python": sys.version.split()[0], "bulk_count": count}
    results["stdlib_hmac_hexdigest"] = per_call(
        lambda: new(key, message.encode(), sha256).hexdigest(), number, repeat
    )
    results["stdlib_verify"] = per_call(
        lambda: compare_digest(new(key, message.encode(), sha256).hexdigest(), token), number, repeat
    )
    results["sign"] = per_call(lambda: signer.sign(identity), number, repeat)
    results["verify"] = per_call(lambda: verifier.verify(identity, token), number, repeat)
    results["check"] = per_call(lambda: gate.check(identity, token), number, repeat)
    generated = _lane._GENERATED_SIGN
    results["generated_sign"] = per_call(lambda: generated(signer, identity), number // 4, repeat)
    generated_verify = _lane._GENERATED_VERIFY
    results["generated_verify"] = per_call(
        lambda: generated_verify(verifier, identity, token), number // 4, repeat
    )
    generated_check = _lane._GENERATED_CHECK
    results["generated_check"] = per_call(
        lambda: generated_check(gate, identity, token), number // 4, repeat
    )
    # The floor of a lane call: one bare ctypes call with no argument and no Python around it.
    version = _lane._SMALL.userhash_lane_version
    results["bare_ctypes_call"] = per_call(version, number, repeat)

    ids = [f"user-{i:08d}" for i in range(count)]
    expected = [new(key, i.encode(), sha256).hexdigest() for i in ids]
    assert signer.sign_many(ids) == expected
    results["stdlib_hmac_loop_per_id"] = per_item(
        lambda: [new(key, i.encode(), sha256).hexdigest() for i in ids], count, max(3, repeat // 3)
    )
    results["sign_many_per_id"] = per_item(lambda: signer.sign_many(ids), count, max(3, repeat // 3))
    # Where sign_many's time goes, measured the way it does the work (64k ids a call, signed on
    # every core but one): signing each packed chunk with one Rust call, and making the token objects from each chunk's text,
    # the part no binding can skip because the caller asked for a list of str.
    chunk = _lane._CHUNK
    chunks = [ids[start : start + chunk] for start in range(0, count, chunk)]
    packed = [("\n".join(part).encode(), len(part)) for part in chunks]
    threads = _lane._PIPELINED_THREADS
    handle = _lane._lane_handle(signer)
    sign_lines = _lane._SIGN_LINES

    def lane_batches() -> List[str]:
        return [
            _lane._bulk(sign_lines, handle, 0, data, len(data), n, threads, 0, 0)
            for data, n in packed
        ]

    results["chunk_size"] = chunk
    results["signing_threads"] = threads
    results["sign_lines_per_id"] = per_item(lane_batches, count, max(3, repeat // 3))
    texts = lane_batches()
    results["split_tokens_per_id"] = per_item(
        lambda: [text.split("\n") for text in texts], count, max(3, repeat // 3)
    )
    results["generated_sign_profile"] = profile_of_generated_sign(signer, identity)
    json.dump(results, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
