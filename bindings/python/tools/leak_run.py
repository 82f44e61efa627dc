"""Leak run: millions of sign + verify calls through the installed `userhash` wheel, with the
process's resident set size (RSS) sampled along the way.

Run by `cargo xtask leak` (which builds and installs the wheel); not part of any test suite, and
never imported by one. Every iteration signs a fresh identity, verifies the token it got, and —
one iteration in a hundred — verifies a forged token and catches the typed `Mismatch`, so the
error path (a Rust error turned into a Python exception) is exercised too.

RSS is first sampled after a warm-up, once the allocator's arenas and the interpreter's caches
have grown to their working size (that growth is not a leak), then at even intervals, and at the
end. Growth is the end minus the post-warm-up sample; a leak of even one byte per call would show
as tens of megabytes over ten million calls. The last line of output is one JSON object.

    python leak_run.py [--iterations N] [--warmup N] [--samples N] [--limit-mb X]

Exit status 1 when the growth exceeds --limit-mb.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time

import userhash


def rss_kib() -> int:
    """This process's resident set size in KiB, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=5_000_000, help="sign+verify iterations")
    parser.add_argument("--warmup", type=int, default=500_000, help="iterations before the baseline")
    parser.add_argument("--samples", type=int, default=10, help="RSS samples after the baseline")
    parser.add_argument("--limit-mb", type=float, default=5.0, help="allowed RSS growth")
    args = parser.parse_args()

    scheme = userhash.Scheme.by_name("intercom")
    signer = userhash.Signer(scheme, "leak-run-secret")
    verifier = userhash.Verifier(userhash.Keyring(scheme).with_key("web", "leak-run-secret"))
    forged = "0" * 64

    def iterations(start: int, stop: int) -> None:
        for n in range(start, stop):
            identity = userhash.Identity(user_id=f"user-{n}")
            token = signer.sign(identity)
            if verifier.verify(identity, token).label != "web":
                raise AssertionError("verified under the wrong key")
            if n % 100 == 0:
                try:
                    verifier.verify(identity, forged)
                except userhash.UserHashError.Mismatch:
                    pass
                else:
                    raise AssertionError("a forged token verified")

    started = time.monotonic()
    warmup = min(args.warmup, args.iterations)
    iterations(0, warmup)
    gc.collect()
    baseline = rss_kib()
    samples = [{"calls": warmup, "rss_kib": baseline}]
    print(f"python: RSS after {warmup:,} warm-up iterations: {baseline:,} KiB", flush=True)
    remaining = args.iterations - warmup
    done = warmup
    for i in range(1, args.samples + 1):
        upto = warmup + remaining * i // args.samples
        iterations(done, upto)
        done = upto
        gc.collect()
        rss = rss_kib()
        samples.append({"calls": done, "rss_kib": rss})
        print(f"python: {done:,} iterations: RSS {rss:,} KiB ({rss - baseline:+,} KiB)", flush=True)
    seconds = time.monotonic() - started
    end = samples[-1]["rss_kib"]
    growth = end - baseline
    peak_growth = max(sample["rss_kib"] for sample in samples) - baseline
    result = {
        "language": "python",
        "python": sys.version.split()[0],
        "iterations": done,
        "ffi_calls": 2 * done + (done + 99) // 100,
        "seconds": round(seconds, 1),
        "rss_after_warmup_kib": baseline,
        "rss_end_kib": end,
        "growth_kib": growth,
        "peak_growth_kib": peak_growth,
        "limit_kib": int(args.limit_mb * 1024),
        "samples": samples,
    }
    print(json.dumps(result), flush=True)
    return 0 if growth < args.limit_mb * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
