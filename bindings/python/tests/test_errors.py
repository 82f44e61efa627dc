"""Failures surface as native Python exceptions, never leak a secret, never crash Python."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any, Callable

import pytest

import userhash
from userhash._ffi.userhash import PackedFields  # the lane's plumbing, not the public API
from userhash import (
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

SECRET = "TOPSECRET-python-7f3a"
HEX_SECRET = "7f3a9c1e" * 8  # recognisable, and hex-looking so the hex-decoding paths run
NOW = 1_741_761_700
ALICE = Identity(user_id="42")

INTERCOM = Scheme.by_name("intercom")
JIMO = Scheme.by_name("jimo")
PYLON = Scheme.by_name("pylon")  # hex-decodes its secret, signs the email
KEYRING = Keyring(INTERCOM).with_key("web", SECRET).with_key("ios", HEX_SECRET)
VERIFIER = Verifier(KEYRING)
IOS_TOKEN = KEYRING.signer("ios").sign(ALICE)
JIMO_KEYRING = Keyring(JIMO).with_key("web", SECRET)
JIMO_TOKEN = JIMO_KEYRING.signer("web").sign_at(ALICE, NOW)
ZENDESK = Scheme.by_name("zendesk")
ZENDESK_TOKEN = Keyring(ZENDESK).with_key("app_1", SECRET).signer("app_1").sign_at(ALICE, NOW)
# {"alg":"none"}.{"external_id":"42","scope":"user"}. — an unsigned JWT
UNSIGNED_JWT = "eyJhbGciOiJub25lIn0.eyJleHRlcm5hbF9pZCI6IjQyIiwic2NvcGUiOiJ1c2VyIn0."


def verify_jimo(token: str, now: int) -> object:
    return Verifier(JIMO_KEYRING).verify_at(ALICE, token, now)


def BUILT_CONFIG() -> userhash.Config:  # noqa: N802 (reads as the constant it stands for)
    """A config of one Intercom vendor whose secret is the canary."""
    return (
        userhash.ConfigBuilder().vendor("a", "b", "intercom", "intercom").key_secret("web", SECRET)
        .build()
    )


# Every error path reachable from Python, each provoked while a recognisable secret is in play.
FAILURES: dict[str, tuple[type[UserHashError], Callable[[], object]]] = {
    "unknown_scheme": (UserHashError.UnknownScheme, lambda: Scheme.by_name("intercomm")),
    "invalid_scheme": (UserHashError.InvalidScheme, lambda: Scheme.parse("subject=nobody")),
    "empty_secret": (UserHashError.EmptySecret, lambda: Signer(INTERCOM, "")),
    "invalid_hex_secret": (UserHashError.InvalidHexSecret, lambda: Signer(PYLON, SECRET)),
    "invalid_hex_secret_keyring": (
        UserHashError.InvalidHexSecret,
        lambda: Keyring(PYLON).with_key("web", SECRET),
    ),
    "unidentified": (UserHashError.Unidentified, lambda: Signer(INTERCOM, SECRET).sign(Identity())),
    "missing_field": (UserHashError.MissingField, lambda: Signer(PYLON, HEX_SECRET).sign(ALICE)),
    "empty_field": (
        UserHashError.EmptyField,
        lambda: Signer(INTERCOM, SECRET).sign(Identity(user_id="")),
    ),
    "identifier_too_long": (
        UserHashError.IdentifierTooLong,
        lambda: Signer(INTERCOM, SECRET).sign(Identity(user_id="x" * 1025)),
    ),
    "timestamp_not_applicable": (
        UserHashError.TimestampNotApplicable,
        lambda: Signer(INTERCOM, SECRET).sign_at(ALICE, NOW),
    ),
    "invalid_label": (UserHashError.InvalidLabel, lambda: KEYRING.with_key("Web!", SECRET)),
    # Arguments swapped by mistake: the secret lands in the label's place.
    "invalid_label_swapped": (UserHashError.InvalidLabel, lambda: KEYRING.with_key(SECRET, "web")),
    "duplicate_label": (UserHashError.DuplicateLabel, lambda: KEYRING.with_key("web", SECRET)),
    "unknown_label": (UserHashError.UnknownLabel, lambda: KEYRING.signer("android")),
    "unknown_label_verify": (
        UserHashError.UnknownLabel,
        lambda: VERIFIER.verify_at(ALICE, IOS_TOKEN, NOW, "android"),
    ),
    "unknown_label_explain": (
        UserHashError.UnknownLabel,
        lambda: VERIFIER.explain_at(ALICE, IOS_TOKEN, NOW, "android"),
    ),
    "empty_keyring": (UserHashError.EmptyKeyring, lambda: Verifier(Keyring(INTERCOM))),
    # The secret pasted where the token goes.
    "malformed_token": (
        UserHashError.MalformedToken,
        lambda: VERIFIER.verify_at(ALICE, SECRET, NOW),
    ),
    "missing_timestamp": (
        UserHashError.MissingTimestamp,
        lambda: verify_jimo(JIMO_TOKEN.split("-")[0], NOW),
    ),
    "mismatch": (
        UserHashError.Mismatch,
        lambda: VERIFIER.verify_at(ALICE, IOS_TOKEN, NOW, "web"),
    ),
    "expired": (UserHashError.Expired, lambda: verify_jimo(JIMO_TOKEN, NOW + 3601)),
    "from_the_future": (UserHashError.FromTheFuture, lambda: verify_jimo(JIMO_TOKEN, NOW - 301)),
    # A negative window, once a ValueError here and a never-expiring verifier in Java.
    "invalid_freshness": (
        UserHashError.InvalidFreshness,
        lambda: Verifier(JIMO_KEYRING, Freshness(max_age_seconds=-1)),
    ),
    # JWT schemes; the secret is the only key, so nothing the token carries can echo it.
    "unsupported_algorithm": (
        UserHashError.UnsupportedAlgorithm,
        lambda: Verifier(Keyring(ZENDESK).with_key("app_1", SECRET)).verify_at(
            ALICE, UNSIGNED_JWT, NOW
        ),
    ),
    "missing_key_id": (
        UserHashError.MissingKeyId,
        lambda: Signer(ZENDESK, SECRET).sign_at(ALICE, NOW),
    ),
    "unknown_key_id": (
        UserHashError.UnknownKeyId,
        lambda: Verifier(Keyring(ZENDESK).with_key("app_2", SECRET)).verify_at(
            ALICE, ZENDESK_TOKEN, NOW
        ),
    ),
    "missing_claim": (
        UserHashError.MissingClaim,
        lambda: Signer(Scheme.by_name("pendo"), SECRET).sign_at(ALICE, NOW),
    ),
    # Packed batches (issue 14 item 13): their own codes, not missing_field.
    "not_utf8": (
        UserHashError.NotUtf8,
        lambda: Signer(INTERCOM, SECRET).sign_utf8(b"\xff", b"", 1),
    ),
    "malformed_batch": (
        UserHashError.MalformedBatch,
        lambda: Signer(INTERCOM, SECRET).sign_packed(
            PackedFields.USER_ID, b"a", (2).to_bytes(4, "little")
        ),
    ),
    # {"alg":"HS256","typ":"JWT"}.{"user_id":"victim"}: what a user who picks their own id would
    # submit to have a hash signer sign a JWT, refused by a signer whose key a JWT scheme shares.
    "jwt_signing_input": (
        UserHashError.JwtSigningInput,
        lambda: Signer(INTERCOM, SECRET).with_jwt_input_guard().sign(
            Identity(user_id="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidmljdGltIn0")
        ),
    ),
    # The config file and the payload (the secret is given to the builder, so it is in play).
    "config_unreadable": (
        UserHashError.ConfigUnreadable,
        lambda: userhash.Config.load("/nonexistent/userhash.toml"),
    ),
    "config_invalid": (
        UserHashError.ConfigInvalid,
        lambda: userhash.Config.parse(f'[apps.a.b]\nscheme = "intercom"\nkeys.web = "{SECRET}"'),
    ),
    "config_unknown_app": (
        UserHashError.ConfigUnknownApp,
        lambda: BUILT_CONFIG().payload_signer("nope", "b"),
    ),
    "config_unknown_environment": (
        UserHashError.ConfigUnknownEnvironment,
        lambda: BUILT_CONFIG().payload_signer("a", "nope"),
    ),
    "config_unknown_vendor": (
        UserHashError.ConfigUnknownVendor,
        lambda: BUILT_CONFIG().keyring("a", "b", "nope"),
    ),
    "config_unknown_platform": (
        UserHashError.ConfigUnknownPlatform,
        lambda: BUILT_CONFIG().payload_signer("a", "b").payload(ALICE, "tv"),
    ),
    "secret_unavailable": (
        UserHashError.SecretUnavailable,
        lambda: userhash.ConfigBuilder().vendor("a", "b", "v", "intercom")
        .key_env("web", "USERHASH_TEST_SURELY_UNSET").build().payload_signer("a", "b"),
    ),
    "config_shared_key": (
        UserHashError.ConfigSharedKey,
        lambda: userhash.ConfigBuilder().vendor("a", "b", "hash", "intercom")
        .key_secret("web", SECRET).vendor("a", "b", "jwt", "intercom-jwt")
        .key_secret("web", SECRET).build().payload_signer("a", "b"),
    ),
    "invalid_claim": (
        UserHashError.InvalidClaim,
        lambda: Signer(ZENDESK, SECRET).with_key_id("app_1").sign_at(
            Identity(user_id="x" * 256), NOW
        ),
    ),
}


@pytest.mark.parametrize("name", FAILURES)
def test_failure_is_a_specific_catchable_exception(name: str) -> None:
    variant, action = FAILURES[name]
    with pytest.raises(variant) as raised:
        action()
    error = raised.value
    assert type(error) is variant
    assert isinstance(error, UserHashError) and isinstance(error, Exception)
    try:
        action()
    except UserHashError as caught:  # the one base class every variant shares
        assert type(caught) is variant
    message = str(error)
    assert len(message) > 15, message
    assert type(error).__name__ in repr(error)
    for text in (message, repr(error), *map(str, error.args)):
        assert SECRET not in text and HEX_SECRET not in text


def test_every_catchable_variant_is_provoked_or_unreachable() -> None:
    provoked = {variant for variant, _ in FAILURES.values()}
    unreachable = {UserHashError.ClockBeforeEpoch}  # needs a system clock before 1970
    variants = {
        getattr(UserHashError, "".join(p.title() for p in userhash.error_code_name(c).split("_")))
        for c in userhash.ErrorCode
    }
    assert variants == provoked | unreachable


def test_messages_name_the_problem() -> None:
    with pytest.raises(UserHashError.UnknownScheme, match="intercomm"):
        Scheme.by_name("intercomm")
    with pytest.raises(UserHashError.UnknownLabel, match="android"):
        KEYRING.signer("android")


def test_no_secret_in_any_object_text() -> None:
    gate = Gate(VERIFIER, Enforcement.ENFORCE)
    signer = KEYRING.signer("ios")
    objects: list[Any] = [
        INTERCOM,
        INTERCOM.info(),
        KEYRING,
        KEYRING.labels(),
        KEYRING.fingerprint("web"),
        VERIFIER,
        gate,
        signer,
        signer.fingerprint(),
        signer.sign_batch([ALICE, Identity(), Identity(user_id="")]),
        VERIFIER.verify_at(ALICE, IOS_TOKEN, NOW),
        VERIFIER.explain_at(ALICE, IOS_TOKEN, NOW, "web"),  # wrong_key
        VERIFIER.explain_at(ALICE, SECRET.lower(), NOW),  # not a token at all
        gate.check_at(ALICE, SECRET, NOW),
        gate.check_at(ALICE, IOS_TOKEN, NOW, "web"),
        gate.check_at(ALICE, IOS_TOKEN, NOW, "android"),
    ]
    diagnosis = VERIFIER.explain_at(ALICE, IOS_TOKEN, NOW, "web")
    objects += diagnosis.findings
    assert [f.code for f in diagnosis.findings][:1] == ["wrong_key"]
    for obj in objects:
        for text in (str(obj), repr(obj)):
            assert SECRET not in text and HEX_SECRET not in text, text
            assert SECRET[:12] not in text and HEX_SECRET[:16] not in text, text


# Wrong Python types and unencodable text: each must raise one of these, never crash.
BAD_INPUTS: dict[str, tuple[str, str]] = {
    "surrogate_secret": ("Signer(INTERCOM, '\\ud800')", "ValueError"),
    "surrogate_user_id": ("SIGNER.sign(Identity(user_id='\\ud800'))", "ValueError"),
    "surrogate_email": ("SIGNER.sign(Identity(email='a\\udfff@x'))", "ValueError"),
    "surrogate_token": ("VERIFIER.verify_at(ALICE, '\\ud800' * 64, 0)", "ValueError"),
    "surrogate_label": ("KEYRING.with_key('\\ud800', 'x')", "ValueError"),
    "surrogate_scheme": ("Scheme.by_name('\\ud800')", "ValueError"),
    "int_secret": ("Signer(INTERCOM, 42)", "TypeError"),
    "none_secret": ("Signer(INTERCOM, None)", "TypeError"),
    "bytes_secret": ("Signer(INTERCOM, b'secret')", "TypeError"),
    "none_scheme": ("Signer(None, 'secret')", "TypeError"),
    "str_scheme": ("Signer('intercom', 'secret')", "TypeError"),
    "int_user_id": ("SIGNER.sign(Identity(user_id=42))", "TypeError"),
    "bytes_user_id": ("SIGNER.sign(Identity(user_id=b'42'))", "TypeError"),
    "bytes_email": ("SIGNER.sign(Identity(email=b'a@x'))", "TypeError"),
    "none_token": ("VERIFIER.verify_at(ALICE, None, 0)", "TypeError"),
    "bytes_token": ("VERIFIER.verify_at(ALICE, b'00' * 32, 0)", "TypeError"),
    "none_label": ("KEYRING.with_key(None, 'x')", "TypeError"),
    "int_scheme_name": ("Scheme.by_name(1)", "TypeError"),
    "float_timestamp": ("JIMO_SIGNER.sign_at(ALICE, 1.5)", "TypeError"),
    "str_timestamp": ("JIMO_SIGNER.sign_at(ALICE, '1')", "TypeError"),
    "negative_timestamp": ("JIMO_SIGNER.sign_at(ALICE, -1)", "ValueError"),
    "timestamp_over_u64": ("JIMO_SIGNER.sign_at(ALICE, 2 ** 64)", "ValueError"),
    "negative_now": ("VERIFIER.verify_at(ALICE, 'a' * 64, -1)", "ValueError"),
    # A negative window reaches the core and is refused with the typed error every language
    # gives; one past a signed 64-bit integer cannot be lowered at all.
    "negative_max_age": ("Verifier(KEYRING, Freshness(max_age_seconds=-1))", "InvalidFreshness"),
    "negative_skew": ("Verifier(KEYRING, Freshness(max_future_skew_seconds=-1))", "InvalidFreshness"),
    "max_age_over_ceiling": ("Verifier(KEYRING, Freshness(max_age_seconds=2**63 - 1))", "InvalidFreshness"),
    "max_age_over_i64": ("Verifier(KEYRING, Freshness(max_age_seconds=2**64 - 1))", "ValueError"),
    "keyring_as_verifier": ("Gate(KEYRING, Enforcement.ENFORCE)", "TypeError"),
    "none_identities": ("SIGNER.sign_batch(None)", "TypeError"),
    # A record or an enum of the wrong type is a TypeError naming the argument, where the
    # generated bindings read `.user_id` off whatever they were given or looked the enum up.
    "str_enforcement": ("Gate(VERIFIER, 'enforce')", "TypeError"),
    "dict_identity": ("SIGNER.sign({'user_id': '42'})", "TypeError"),
    "int_identity": ("SIGNER.sign(42)", "TypeError"),
    "identity_and_keywords": ("SIGNER.sign(ALICE, user_id='42')", "TypeError"),
    "str_identity_to_verify": ("VERIFIER.verify_at('42', 'a' * 64, 0)", "TypeError"),
    "dict_attributes": ("SIGNER.sign_with(ALICE, {'name': 'Ada'})", "TypeError"),
    "dict_freshness": ("Verifier(KEYRING, {'max_age_seconds': 60})", "TypeError"),
}

_PROBE = textwrap.dedent(
    """
    import json, sys
    from userhash import *
    INTERCOM = Scheme.by_name("intercom")
    KEYRING = Keyring(INTERCOM).with_key("web", "not-a-real-secret")
    VERIFIER = Verifier(KEYRING)
    SIGNER = KEYRING.signer("web")
    JIMO_SIGNER = Signer(Scheme.by_name("jimo"), "not-a-real-secret")
    ALICE = Identity(user_id="42")
    raised = {}
    for name, expression in json.loads(sys.stdin.read()).items():
        try:
            eval(expression)
            raised[name] = "nothing"
        except Exception as error:
            raised[name] = type(error).__name__
    print(json.dumps(raised))
    """
)


@pytest.fixture(scope="module")
def bad_input_results() -> dict[str, str]:
    """Runs every BAD_INPUTS expression in a child interpreter, which must survive them all."""
    expressions = {name: expr for name, (expr, _) in BAD_INPUTS.items()}
    child = subprocess.run(
        [sys.executable, "-c", _PROBE],
        input=json.dumps(expressions),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, f"interpreter died ({child.returncode}): {child.stderr}"
    results: dict[str, str] = json.loads(child.stdout)
    return results


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_python_input_raises_a_python_exception(
    name: str, bad_input_results: dict[str, str]
) -> None:
    expected = BAD_INPUTS[name][1]
    assert bad_input_results[name] == expected, BAD_INPUTS[name][0]


def test_bad_python_input_in_process() -> None:
    signer = Signer(INTERCOM, SECRET)
    with pytest.raises(ValueError, match="lone surrogate at index 0"):
        signer.sign(Identity(user_id="\ud800"))
    with pytest.raises(TypeError):
        Signer(INTERCOM, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        signer.sign(Identity(user_id=42))  # type: ignore[arg-type]
    assert signer.sign(ALICE) == KEYRING.signer("web").sign(ALICE)  # still usable afterwards


@pytest.mark.parametrize(
    "call, says",
    [
        (lambda: Signer(INTERCOM, SECRET).sign(42), "'identity' must be Identity or str (a user id), not int"),
        (lambda: Signer(INTERCOM, SECRET).sign(ALICE, email="a@x"), "an identity, or the user_id= and email= keywords, not both"),
        (lambda: VERIFIER.verify("42", IOS_TOKEN), "Verifier.verify() argument 'identity' must be Identity, not str"),
        (lambda: Gate(VERIFIER, "enforce"), "Gate() argument 'enforcement' must be Enforcement, not str"),
        (lambda: Verifier(KEYRING, {"max_age_seconds": 60}), "Verifier() argument 'freshness' must be Freshness or None, not dict"),
        (lambda: Signer("intercom", SECRET), "Signer() argument 'scheme' must be Scheme, not str"),
    ],
)  # fmt: skip
def test_a_wrong_type_names_the_argument_and_what_it_takes(call: Callable[[], object], says: str) -> None:
    with pytest.raises(TypeError) as raised:
        call()
    assert says in str(raised.value)


def test_unencodable_secret_is_never_shown() -> None:
    with pytest.raises(ValueError) as raised:
        Signer(INTERCOM, SECRET + "\ud800")
    error = raised.value
    assert not isinstance(error, UnicodeEncodeError)  # its `.object` would hold the secret
    assert error.__cause__ is None and error.__suppress_context__
    for shown in (str(error), repr(error), repr(error.args)):
        assert SECRET not in shown


_DUPLICATE = textwrap.dedent(
    """
    import copy, gc, json, pickle, sys
    from userhash import Identity, Scheme, Signer
    how = sys.argv[1]
    ident = Identity(user_id="42")
    original = Signer(Scheme.by_name("intercom"), "not-a-real-secret")
    want = original.sign(ident)
    try:
        twin = {"copy": copy.copy, "deepcopy": copy.deepcopy,
                "pickle": lambda o: pickle.loads(pickle.dumps(o))}[how](original)
    except (TypeError, pickle.PicklingError):
        print(json.dumps({"refused": True})); sys.exit(0)
    shared = twin is not original and twin._handle == original._handle
    del original; gc.collect()
    print(json.dumps({"refused": False, "shared": shared, "same_token": twin.sign(ident) == want}))
    if shared:
        del twin._handle  # the twin's finaliser would free the same native object a second time
    """
)


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
def test_copying_an_object_is_safe_or_refused(how: str) -> None:
    child = subprocess.run(
        [sys.executable, "-c", _DUPLICATE, how], capture_output=True, text=True, timeout=60
    )
    assert child.returncode == 0, f"interpreter died ({child.returncode}): {child.stderr}"
    outcome = json.loads(child.stdout)
    assert outcome["refused"] or (not outcome["shared"] and outcome["same_token"]), outcome


def test_every_variant_names_its_code() -> None:
    for code in userhash.ErrorCode:
        variant = getattr(UserHashError, "".join(w.title() for w in code.name.split("_")))
        assert variant.code is code
        assert userhash.error_code(variant("message")) is code
    try:
        Signer(INTERCOM, "")
    except UserHashError as error:
        assert userhash.error_code_name(userhash.error_code(error)) == "empty_secret"
    with pytest.raises(TypeError, match="not a userhash error variant"):
        userhash.error_code(ValueError("x"))  # type: ignore[arg-type]
