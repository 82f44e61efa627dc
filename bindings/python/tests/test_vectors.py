"""Every case of the shared vectors through the installed wheel.

Semantics: crates/userhash/tests/vectors.rs; format: testdata/vectors/README.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import pytest

import userhash
from userhash import (
    Attributes,
    Enforcement,
    Freshness,
    Gate,
    Identity,
    Keyring,
    Scheme,
    Signer,
    UserHashError,
    Verifier,
)

Case = dict[str, Any]


def code_of(error: UserHashError) -> str:
    """The vectors' snake_case code of an exception, via its variant (never its message)."""
    member = re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).upper()
    return userhash.error_code_name(userhash.ErrorCode[member])


def identity(case: Case) -> Identity:
    return Identity(user_id=case["user_id"], email=case["email"])


def scheme(case: Case) -> Scheme:
    return Scheme.parse(case["scheme"])


def verifier(case: Case) -> Verifier:
    keyring = Keyring(scheme(case))
    for entry in case["keyring"]:
        keyring = keyring.with_key(entry["label"], entry["secret"])
    default = userhash.default_freshness()
    freshness = Freshness(
        max_age_seconds=_or(case.get("max_age"), default.max_age_seconds),
        max_future_skew_seconds=_or(case.get("max_future_skew"), default.max_future_skew_seconds),
        require_exp=_or(case.get("require_exp"), default.require_exp),
    )
    return Verifier(keyring, freshness)


T = TypeVar("T")


def _or(value: Optional[T], default: T) -> T:
    return default if value is None else value


def attributes(case: Case) -> Optional[Attributes]:
    """A JWT case's attributes (absent in hash files, or null: none)."""
    given = case.get("attributes")
    return None if given is None else Attributes(**given)


def sign(case: Case) -> str:
    signer = Signer(scheme(case), case["secret"])
    if case.get("key_id") is not None:
        signer = signer.with_key_id(case["key_id"])
    extra = attributes(case)
    if extra is not None:
        if case["timestamp"] is None:
            return signer.sign_with(identity(case), extra)
        return signer.sign_with_at(identity(case), extra, case["timestamp"])
    if case["timestamp"] is None:
        return signer.sign(identity(case))
    return signer.sign_at(identity(case), case["timestamp"])


def verify(case: Case) -> userhash.Verified:
    checker = verifier(case)
    # Non-timestamped schemes ignore the clock; 0 keeps the run independent of real time.
    now = _or(case["now"], 0)
    if case["only_label"] is not None:
        return checker.verify_at(identity(case), case["token"], now, case["only_label"])
    return checker.verify_at(identity(case), case["token"], now)


OPERATIONS: dict[str, Callable[[Case], object]] = {
    "scheme": scheme,
    "secret": lambda case: Signer(scheme(case), case["secret"]),
    "sign": sign,
    # A keyring is built to verify with; an empty one is rejected when the verifier is made.
    "keyring": verifier,
    "verify": verify,
}


def test_sign(sign_case: tuple[str, Case]) -> None:
    _, case = sign_case
    assert sign(case) == case["expected"]


def test_verify(verify_case: tuple[str, Case]) -> None:
    _, case = verify_case
    expected = case["expected"]
    if expected["valid"]:
        assert verify(case).label == expected["label"]
    else:
        with pytest.raises(UserHashError) as raised:
            verify(case)
        assert code_of(raised.value) == expected["error"], str(raised.value)


def test_errors(errors_case: tuple[str, Case]) -> None:
    _, case = errors_case
    with pytest.raises(UserHashError) as raised:
        OPERATIONS[case["operation"]](case)
    assert code_of(raised.value) == case["error"], str(raised.value)
    secrets = [case["secret"] or ""] + [entry["secret"] for entry in case["keyring"] or []]
    for secret in (s for s in secrets if len(s) >= 4):
        assert secret not in str(raised.value), "secret echoed"
        assert secret not in repr(raised.value), "secret echoed"


def test_explain(explain_case: tuple[str, Case]) -> None:
    _, case = explain_case
    expected = case["expected"]
    diagnosis = verifier(case).explain_at(
        identity(case), case["token"], _or(case["now"], 0), case["expected_label"]
    )
    codes = [finding.code for finding in diagnosis.findings]
    context = f"found {codes}: {diagnosis.summary}"
    assert diagnosis.valid == expected["valid"], context
    assert diagnosis.label == expected["label"], context
    if expected["valid"]:
        # A valid token's only note is the ambiguity of a separator-less concatenation.
        assert codes == expected["includes"] and diagnosis.rejection_code is None, context
    else:
        assert diagnosis.rejection_code is not None, context
    if expected["first"] is not None:
        assert codes[:1] == [expected["first"]], context
    for cause in expected["includes"]:
        assert cause in codes, f"missing {cause}; {context}"
    if not expected["valid"] and not expected["includes"]:
        assert codes == [], f"expected no known mistake; {context}"
    for finding in diagnosis.findings:
        assert finding.cause == userhash.Cause[finding.code.upper()], context
        assert case["token"] not in finding.explanation, "token echoed"
        assert case["token"] not in diagnosis.summary, "token echoed"


def test_gate(gate_case: tuple[str, Case]) -> None:
    _, case = gate_case
    expected = case["expected"]
    gate = Gate(verifier(case), Enforcement[case["enforcement"].upper()])
    now = _or(case["now"], 0)
    decision = gate.check_at(identity(case), case["token"], now, case["only_label"])
    assert decision.allowed == expected["allowed"], repr(decision)
    assert decision.outcome.name.lower() == expected["outcome"], repr(decision)
    assert decision.label == expected["label"], repr(decision)
    error = None if decision.error_code is None else userhash.error_code_name(decision.error_code)
    assert error == expected["error"], repr(decision)
    assert decision.would_deny_when_enforced == expected["would_deny_when_enforced"]
    claimed = expected["claimed_identity"]
    assert decision.claimed_identity == (None if claimed is None else identity(claimed))


@pytest.mark.parametrize("code", list(userhash.ErrorCode), ids=lambda code: code.name.lower())
def test_every_error_code_has_its_exception_variant(code: userhash.ErrorCode) -> None:
    name = userhash.error_code_name(code)
    variant = getattr(UserHashError, "".join(part.title() for part in name.split("_")))
    assert issubclass(variant, UserHashError)
    assert code_of(variant("message")) == name


def test_every_preset_has_a_vector_file() -> None:
    vectors = Path(__file__).resolve().parents[3] / "testdata" / "vectors"
    for name in userhash.preset_names():
        assert (vectors / f"{name}.json").exists(), f"no vectors for {name}"
