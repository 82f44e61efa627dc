"""The cross-language demo: the same input, the same output lines, in every language.

Reads ``examples/demo.json`` (or the path given as the only argument) and prints, for every scheme
(in file order) and every identity (in file order), exactly one JSON line:

    {"case": "<scheme name>/<n>", "token": "<token>", "verified": "<label>"}

- ``n`` is the identity's index in ``identities``, counting from 0.
- The keyring is built from ``keyring`` in order for the scheme; ``token`` is signed with the
  **first** label's key: ``sign_at(identity, timestamp)`` when the scheme entry has a
  ``timestamp``, else ``sign(identity)``. If signing fails, ``token`` is ``null`` and
  ``verified`` is the error code (e.g. ``missing_field``).
- ``verified`` is the label the verifier (every key of the keyring, default freshness) finds for
  the token at the entry's ``now`` (0 when null), or the error code when it rejects it.
- The line is ``json.dumps`` with its defaults: keys in the order above, separators ``", "`` and
  ``": "``, ASCII only (``\\uXXXX`` escapes), so every language's output can be diffed.

Then the payload: a config built in code from ``payload`` (``ConfigBuilder``, each key's secret
given as a value, its ``key_id`` and the vendor's ``all_platforms`` when not null), and for every
platform of ``platforms`` and every identity one line ``{"case": "payload/<platform>/<n>",
"token": <the payload's to_json()>, "verified": "complete"}`` — or, when a vendor failed, the first
failing vendor's error code as ``verified`` — issued at ``payload["at"]``.

Run it with ``python examples/python/demo.py``; ``cargo xtask demo`` prints it next to the Rust,
Kotlin and Swift demos.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

import userhash
from userhash import ConfigBuilder, Identity, Keyring, Scheme, UserHashError, Verifier

DEMO = Path(__file__).resolve().parent.parent / "demo.json"


def error_code(error: UserHashError) -> str:
    """The snake_case code of a userhash exception: ``UserHashError.Mismatch`` -> ``mismatch``."""
    return userhash.error_code_name(userhash.error_code(error))


def lines(demo: dict[str, Any]) -> Iterator[dict[str, Optional[str]]]:
    """One result per (scheme, identity), in file order."""
    identities = [Identity(user_id=i["user_id"], email=i["email"]) for i in demo["identities"]]
    for entry in demo["schemes"]:
        keyring = Keyring(Scheme.parse(entry["scheme"]))
        for key in demo["keyring"]:
            keyring = keyring.with_key(key["label"], key["secret"])
        signer = keyring.signer(demo["keyring"][0]["label"])
        verifier = Verifier(keyring)
        for n, identity in enumerate(identities):
            case = f"{entry['name']}/{n}"
            try:
                if entry["timestamp"] is None:
                    token = signer.sign(identity)
                else:
                    token = signer.sign_at(identity, entry["timestamp"])
            except UserHashError as error:
                yield {"case": case, "token": None, "verified": error_code(error)}
                continue
            try:
                verified = verifier.verify_at(identity, token, entry["now"] or 0).label
            except UserHashError as error:
                verified = error_code(error)
            yield {"case": case, "token": token, "verified": verified}


def payload_lines(demo: dict[str, Any]) -> Iterator[dict[str, Optional[str]]]:
    """One payload per (platform, identity), from a config built in code."""
    given = demo["payload"]
    builder = ConfigBuilder()
    for vendor in given["vendors"]:
        builder = builder.vendor(given["app"], given["environment"], vendor["name"], vendor["scheme"])
        for key in vendor["keys"]:
            builder = builder.key_secret(key["label"], key["secret"])
            if key["key_id"] is not None:
                builder = builder.key_id(key["label"], key["key_id"])
        if vendor["all_platforms"] is not None:
            builder = builder.all_platforms(vendor["all_platforms"])
    signer = builder.build().payload_signer(given["app"], given["environment"])
    identities = [Identity(user_id=i["user_id"], email=i["email"]) for i in demo["identities"]]
    for platform in given["platforms"]:
        for n, identity in enumerate(identities):
            payload = signer.payload(identity, platform, at=given["at"])
            failed = [entry.error_code for entry in payload.entries() if entry.error_code]
            verified = userhash.error_code_name(failed[0]) if failed else "complete"
            yield {"case": f"payload/{platform}/{n}", "token": payload.to_json(), "verified": verified}


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO
    demo = json.loads(path.read_text(encoding="utf-8"))
    for line in lines(demo):
        print(json.dumps(line))
    for line in payload_lines(demo):
        print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
