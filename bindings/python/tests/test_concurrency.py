"""One Signer and one Verifier shared by 8 threads give exactly the single-thread results.

The native calls release the GIL, so the threads really do run inside the Rust objects at once.
Each call costs tens of microseconds of generated-binding (pure Python) overhead, so to stay fast
the signer's 8 threads sign 100k identities mostly through `sign_batch` (long native sections,
many threads inside at once) and every tenth one again through `sign` (many short calls: handle
clone/free races); the verifier, which has no batch form, is checked on 16k tokens.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

import userhash
from userhash import Identity, Keyring, Scheme, UserHashError, Verifier

THREADS = 8
PER_THREAD = 12_500  # 100k identities in total
CHUNK = 2_500
VERIFY_PER_THREAD = 2_000  # 16k tokens in total
NOW = 1_741_761_700

T = TypeVar("T")


def in_threads(work: Callable[[int], list[T]]) -> list[T]:
    """Runs work(thread index) on THREADS threads started together; their lists, concatenated."""
    start = threading.Barrier(THREADS)
    results: list[list[T]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except BaseException as error:  # surfaced below, with the thread that raised it
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return [item for chunk in results for item in chunk]


def identities(thread: int) -> list[Identity]:
    """Distinct identities, some non-ASCII, some email-only."""
    out = []
    for n in range(PER_THREAD):
        key = thread * PER_THREAD + n
        if key % 7 == 0:
            out.append(Identity(email=f"user{key}@example.com"))
        else:
            out.append(Identity(user_id=f"usér-{key}", email=f"user{key}@example.com"))
    return out


KEYRING = (
    Keyring(Scheme.by_name("intercom"))
    .with_key("web", "demo-web-secret-for-threads")
    .with_key("ios", "demo-ios-secret-for-threads")
)
ALL = [identity for thread in range(THREADS) for identity in identities(thread)]


def test_shared_signer() -> None:
    signer = KEYRING.signer("web")
    expected = [entry.token for entry in signer.sign_batch(ALL)]  # one thread, one call
    assert len(expected) == THREADS * PER_THREAD and None not in expected
    assert len(set(expected)) == len(expected)

    def sign(thread: int) -> list[str | None]:
        mine = ALL[thread * PER_THREAD : (thread + 1) * PER_THREAD]
        tokens: list[str | None] = []
        for start in range(0, PER_THREAD, CHUNK):
            chunk = mine[start : start + CHUNK]
            batch = [entry.token for entry in signer.sign_batch(chunk)]
            # every tenth identity again, one call each: must match its batch twin
            for offset in range(0, len(chunk), 10):
                batch[offset] = signer.sign(chunk[offset])
            tokens += batch
        return tokens

    assert in_threads(sign) == expected


def test_shared_verifier() -> None:
    # Thread t verifies the first VERIFY_PER_THREAD identities of its signing share.
    numbers = [t * PER_THREAD + n for t in range(THREADS) for n in range(VERIFY_PER_THREAD)]
    chosen = [ALL[n] for n in numbers]
    web = [entry.token or "" for entry in KEYRING.signer("web").sign_batch(chosen)]
    ios = [entry.token or "" for entry in KEYRING.signer("ios").sign_batch(chosen)]
    # A third each: made with the web key, with the ios key, or tampered with (last digit).
    tampered = [w[:-1] + ("1" if w.endswith("0") else "0") for w in web]
    kinds = [("web", "ios", "mismatch")[n % 3] for n in range(len(chosen))]
    pick = {"web": web, "ios": ios, "mismatch": tampered}
    tokens = [pick[kind][n] for n, kind in enumerate(kinds)]
    verifier = Verifier(KEYRING)
    mismatch = userhash.error_code_name(userhash.ErrorCode.MISMATCH)

    def verify(positions: range) -> list[str]:
        out = []
        for n in positions:
            try:
                out.append(verifier.verify_at(chosen[n], tokens[n], NOW).label)
            except UserHashError.Mismatch:
                out.append(mismatch)
        return out

    single = verify(range(len(chosen)))
    assert single == kinds  # the single-thread results are also right by construction
    share = VERIFY_PER_THREAD
    assert in_threads(lambda t: verify(range(t * share, (t + 1) * share))) == single
