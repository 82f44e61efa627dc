"""Typical userhash code, checked by `mypy --strict` (tests/test_typing.py).

It is never run by pytest; it proves editors and type checkers see the API's real types (no
`Any`): every value below is assigned to a variable of the type a user would expect.
"""

from __future__ import annotations

from typing import List, Optional

import userhash
from userhash import (
    Decision,
    Diagnosis,
    Enforcement,
    ErrorCode,
    Finding,
    Freshness,
    Gate,
    Identity,
    Keyring,
    Outcome,
    Scheme,
    Signer,
    UserHashError,
    Verified,
    Verifier,
)


def sign_for(user_id: str, secret: str) -> str:
    signer: Signer = Signer(Scheme.by_name("intercom"), secret)
    token: str = signer.sign(Identity(user_id=user_id))
    same: str = signer.sign(user_id)
    also: str = signer.sign(user_id=user_id, email=None)
    assert token == same == also
    fingerprint: str = signer.fingerprint()
    return f"{token} {fingerprint}"


def sign_at(user_id: str, secret: str, now: int) -> str:
    return Signer(Scheme.by_name("jimo"), secret).sign_at(Identity(user_id=user_id), now)


def keyring(web: str, ios: str) -> Keyring:
    ring: Keyring = Keyring(Scheme.parse("intercom")).with_key("web", web).with_key("ios", ios)
    labels: List[str] = ring.labels()
    assert labels == ["web", "ios"]
    return ring


def verify(ring: Keyring, identity: Identity, token: str, now: int) -> Optional[str]:
    verifier = Verifier(ring, Freshness(max_age_seconds=600, max_future_skew_seconds=60))
    try:
        verified: Verified = verifier.verify_at(identity, token, now)
    # The variants exist at run time but the generated module hides them from type checkers
    # (uniffi 0.32.2 redefines UserHashError under `# type: ignore`); --strict flags this ignore
    # as unused once the bindings expose them.
    except UserHashError.Mismatch as error:  # type: ignore[attr-defined]
        message: str = str(error)
        return message
    except UserHashError:
        return None
    label: str = verified.label
    timestamp: Optional[int] = verified.timestamp
    return f"{label}@{timestamp}"


def gate(ring: Keyring, identity: Identity, token: Optional[str], now: int) -> bool:
    decision: Decision = Gate(Verifier(ring), Enforcement.REPORT).check_at(identity, token, now)
    allowed: bool = decision.allowed
    outcome: Outcome = decision.outcome
    code: Optional[ErrorCode] = decision.error_code
    name: Optional[str] = userhash.error_code_name(code) if code is not None else None
    watch: bool = decision.would_deny_when_enforced
    return allowed and outcome is not Outcome.INVALID and (name is None or watch)


def explain(ring: Keyring, identity: Identity, token: str, now: int) -> str:
    diagnosis: Diagnosis = Verifier(ring).explain_at(identity, token, now, "ios")
    valid: bool = diagnosis.valid
    findings: List[Finding] = diagnosis.findings
    codes: List[str] = [finding.code for finding in findings]
    summary: str = diagnosis.summary
    return f"{valid} {codes} {summary}"


def batch(signer: Signer, identities: List[Identity]) -> List[Optional[str]]:
    return [entry.token for entry in signer.sign_batch(identities)]


def presets() -> List[str]:
    names: List[str] = userhash.preset_names()
    vendors: List[str] = [info.preset.vendor for info in userhash.presets() if info.preset]
    return names + vendors


def payload(path: str, identity: userhash.Identity) -> str:
    config: userhash.Config = userhash.Config.load(path)
    signer: userhash.PayloadSigner = config.payload_signer("acme", "production")
    vendors: List[str] = signer.vendors()
    signed: userhash.Payload = signer.payload(
        identity, "ios", at=1_760_000_000, failures=userhash.VendorFailures.REPORT
    )
    entries: List[userhash.PayloadEntry] = signed.entries()
    token: Optional[str] = signed.token(vendors[0])
    key: str = entries[0].payload_key
    complete: bool = signed.is_complete()
    return f"{signed.to_json()} {token} {key} {complete}"


def built() -> userhash.Config:
    builder: userhash.ConfigBuilder = (
        userhash.ConfigBuilder().vendor("a", "b", "intercom", "intercom").key_env("web", "WEB")
    )
    return builder.build()
