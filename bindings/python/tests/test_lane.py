"""The fast lane: hot calls answer exactly what the generated calls answer, make no generated
uniffi call (counted, not flagged), and refuse oversize text before any native call."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import userhash
from userhash import (
    Attributes,
    ConfigBuilder,
    Enforcement,
    Gate,
    Identity,
    Keyring,
    Scheme,
    Signer,
    UserHashError,
    VendorFailures,
    Verifier,
)
from userhash import _lane


class Generated:
    """The generated methods the lane's stand for, as uniffi made them (the generated module's
    class names now name the lane's classes, so its methods are reached through the lane)."""

    sign = _lane._GENERATED_SIGN
    verify_at = _lane._GENERATED_VERIFY_AT
    check_at = _lane._GENERATED_CHECK_AT
    payload = _lane._GENERATED_PAYLOAD

INTERCOM = Scheme.by_name("intercom")
JIMO = Scheme.by_name("jimo")
ZENDESK = Scheme.by_name("zendesk")
NOW = 1_741_761_700
ALICE = Identity(user_id="42")


def jimo_verifier() -> Verifier:
    return Verifier(Keyring(JIMO).with_key("ios", "other").with_key("web", "5ec2e7"))


def test_the_objects_are_the_lanes() -> None:
    signer = Signer(INTERCOM, "5ec2e7")
    assert type(signer) is _lane.Signer
    assert type(Keyring(INTERCOM).with_key("web", "s").signer("web")) is _lane.Signer
    assert type(jimo_verifier()) is _lane.Verifier
    assert type(Gate(jimo_verifier(), Enforcement.REPORT)) is _lane.Gate
    assert type(payload_signer()) is _lane.PayloadSigner


def payload_signer() -> userhash.PayloadSigner:
    return (
        ConfigBuilder()
        .vendor("acme", "prod", "intercom", "intercom")
        .key_secret("web", "intercom-web")
        .vendor("acme", "prod", "zendesk", "zendesk")
        .key_secret("messaging", "zendesk-secret")
        .key_id("messaging", "app_64b6d9f0d7ab2e0001cd4e34")
        .all_platforms("messaging")
        .vendor("acme", "prod", "crisp", "crisp")
        .key_secret("web", "crisp-web")
        .build()
        .payload_signer("acme", "prod")
    )


ADA = Identity(user_id="42", email="ada@example.com")


def hot_calls() -> dict[str, Callable[[], Any]]:
    signer = Signer(INTERCOM, "5ec2e7")
    verifier = Verifier(Keyring(INTERCOM).with_key("web", "5ec2e7"))
    gate = Gate(verifier, Enforcement.ENFORCE)
    token = signer.sign(ALICE)
    jimo = Signer(JIMO, "5ec2e7")
    payloads = payload_signer()
    return {
        "payload().to_json()": lambda: payloads.payload(ADA, "web").to_json(),
        "payload at a time, with attributes, raising": lambda: payloads.payload(
            ADA, "web", attributes=Attributes(name="Ada", email_verified=True), at=NOW,
            failures=VendorFailures.RAISE,
        ),
        "payload: every reading": lambda: read_all(payloads.payload(ALICE, "web")),
        "payload (a vendor without the platform, raising)": lambda: pytest.raises(
            UserHashError.ConfigUnknownPlatform, payloads.payload, ADA, "tv",
            failures=VendorFailures.RAISE,
        ),
        "payload: an unknown vendor": lambda: pytest.raises(
            UserHashError.ConfigUnknownVendor, payloads.payload(ADA, "web").entry, "pylon"
        ),
        "sign": lambda: signer.sign(ALICE),
        "sign (a failure)": lambda: pytest.raises(UserHashError.EmptyField, signer.sign, Identity(user_id="")),
        "sign_many": lambda: signer.sign_many(["1", "2", ""], on_error="none"),
        "sign_many (timestamped, pipelined)": lambda: jimo.sign_many(["x"] * ((1 << 16) + 5)),
        "verify": lambda: verifier.verify(ALICE, token),
        "verify_at with a label": lambda: verifier.verify_at(ALICE, token, NOW, "web"),
        "verify (a rejection)": lambda: pytest.raises(UserHashError.Mismatch, verifier.verify, ALICE, "0" * 64),
        "check": lambda: gate.check(ALICE, token),
        "check (missing)": lambda: gate.check(ALICE),
        "check_at with a label": lambda: gate.check_at(ALICE, token, NOW, "web"),
    }


@pytest.mark.parametrize("name", list(hot_calls()))
def test_a_hot_call_makes_no_generated_call(name: str) -> None:
    call = hot_calls()[name]
    call()  # the first call of an object fetches its lane handle: one generated call, once
    before = _lane.generated_calls()
    call()
    call()
    assert _lane.generated_calls() == before, f"{name} went through uniffi's generated code"


def read_all(payload: userhash.Payload) -> object:
    return (
        payload.platform(), payload.vendors(), payload.entries(), payload.entry("intercom"),
        payload.token("crisp"), payload.payload_key("zendesk"), payload.is_complete(),
        payload.to_json(),
    )


def test_payloads_equal_the_generated_ones() -> None:
    signer = payload_signer()
    attributes = Attributes(name="Ada \"L\"", email_verified=False, account_id="a1", expires_in=60)
    for identity in (ADA, ALICE, Identity(), Identity(user_id="nul\0inside", email="x@y"), Identity(user_id="")):
        for platform in ("web", "ios", "\u00e9"):
            for given in ({}, {"attributes": attributes}, {"at": NOW}, {"failures": VendorFailures.RAISE}):
                lane = outcome(lambda: signer.payload(identity, platform, **given))
                slow = outcome(lambda: Generated.payload(signer, identity, platform, **given))
                if isinstance(slow, tuple):
                    assert lane == slow, (identity, platform, given)
                    continue
                assert type(lane) is _lane.Payload and isinstance(lane, userhash.Payload)
                if "at" in given:
                    assert read_all(lane) == read_all(slow)
                else:  # issued now: the same but for the JWT's time, perhaps
                    assert lane.vendors() == slow.vendors() and lane.platform() == slow.platform()
    # The unknown-vendor error is the generated one's, message and all.
    lane = signer.payload(ADA, "web", at=NOW)
    slow = Generated.payload(signer, ADA, "web", at=NOW)
    assert outcome(lambda: lane.entry("pylon")) == outcome(lambda: slow.entry("pylon"))
    with pytest.raises(ValueError, match="lone surrogate"):
        lane.entry("\ud800")
    with pytest.raises(TypeError):
        lane.entry(7)  # type: ignore[arg-type]
    # Arguments the lane does not take go to the generated method, which raises as it did.
    with pytest.raises((TypeError, AttributeError)):  # as the generated payload raises
        signer.payload("42", "web")  # type: ignore[arg-type]
    with pytest.raises((TypeError, ValueError, OverflowError)):
        signer.payload(ADA, "web", at=-1)


def test_the_counter_counts_generated_calls() -> None:
    signer = Signer(INTERCOM, "5ec2e7")
    signer.sign(ALICE)  # the lane handle, fetched once
    before = _lane.generated_calls()
    signer.fingerprint()
    Generated.sign(signer, ALICE)
    assert _lane.generated_calls() == before + 2


def test_answers_equal_the_generated_calls() -> None:
    verifier = jimo_verifier()
    token = Signer(JIMO, "5ec2e7").sign_at(ALICE, NOW - 100)
    for now in (NOW, NOW - 100 + 3600, NOW + 7200, NOW - 1000):
        for label in (None, "web", "ios"):
            def lane() -> Any:
                return verifier.verify_at(ALICE, token, now, label)

            def slow() -> Any:
                return Generated.verify_at(verifier, ALICE, token, now, label)

            assert outcome(lane) == outcome(slow), (now, label)
            for mode in Enforcement:
                gate = Gate(verifier, mode)
                for sent in (token, None, "", "nope"):
                    for who in (ALICE, Identity(), Identity(email="a@x")):
                        assert gate.check_at(who, sent, now, label) == Generated.check_at(
                            gate, who, sent, now, label
                        ), (mode, sent, who)
    # JWTs carry their claims back.
    zendesk = Keyring(ZENDESK).with_key("app_1", "5ec2e7")
    jwt = zendesk.signer("app_1").sign_at(ALICE, NOW)
    jwt_verifier = Verifier(zendesk)
    assert jwt_verifier.verify_at(ALICE, jwt, NOW) == Generated.verify_at(
        jwt_verifier, ALICE, jwt, NOW
    )
    assert jwt_verifier.verify_at(ALICE, jwt, NOW).claims
    # Without an identity, the verified claims name the user: the same record either way.
    claimed = jwt_verifier.verify_at(Identity(), jwt, NOW)
    assert claimed == Generated.verify_at(jwt_verifier, Identity(), jwt, NOW)
    assert claimed.claimed_identity is not None and claimed.claimed_identity.user_id == "42"
    for mode in Enforcement:
        gate = Gate(jwt_verifier, mode)
        for sent in (jwt, jwt[:-2], None):
            assert gate.check_at(Identity(), sent, NOW) == Generated.check_at(
                gate, Identity(), sent, NOW
            ), (mode, sent)


def outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except UserHashError as error:
        return (type(error), str(error))


def test_oversize_text_is_refused_before_any_native_call() -> None:
    """Issue 14 item 8: lengths were 32-bit signed in the old fast path, so a 2 GiB id was
    truncated or negative. Now the lane refuses it with the typed error, and no native call is
    made (the string is not even encoded)."""
    signer = Signer(INTERCOM, "5ec2e7")
    signer.sign(ALICE)
    huge = "x" * (_lane.MAX_TEXT_BYTES + 1)
    before = _lane.generated_calls()
    with pytest.raises(UserHashError.IdentifierTooLong, match="at most 2147483647 bytes"):
        signer.sign(Identity(user_id=huge))
    with pytest.raises(UserHashError.MalformedToken):
        jimo_verifier().verify(ALICE, huge)
    assert _lane.generated_calls() == before + 1  # jimo_verifier's lane handle, nothing else
    del huge


def test_bad_python_arguments_still_raise_what_the_generated_calls_raise() -> None:
    signer = Signer(INTERCOM, "5ec2e7")
    with pytest.raises(TypeError, match="must be Identity or str"):
        signer.sign(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lone surrogate"):
        signer.sign(Identity(user_id="\ud800"))
    with pytest.raises((TypeError, ValueError, OverflowError)):
        jimo_verifier().verify_at(ALICE, "x", -1)


def test_the_lane_speaks_its_version() -> None:
    assert _lane.LANE_VERSION == 4
    assert userhash.Signer is _lane.Signer
