"""The fast paths: `Signer.sign` through `sign_utf8`, and `Signer.sign_many` through one packed
buffer each way. Both must give exactly what the generated per-item path gives."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List, Optional, Tuple

import pytest

import userhash
from userhash import Identity, Scheme, Signer, UserHashError, _lane

from conftest import cases

GENERATED_SIGN = _lane._GENERATED_SIGN  # the generated per-item path
INTERCOM = Signer(Scheme.by_name("intercom"), "5ec2e7")
AWKWARD = ["42", "nul\x00inside", "new\nline\r\n", "Zoë ✓ 😀", " 42 ", "x" * 1024, "é" * 512]


def outcome(sign: Any, *args: Any) -> object:
    """The token, or the exception's type and message."""
    try:
        return sign(*args)
    except UserHashError as error:
        return type(error), str(error)


def untimestamped_sign_cases() -> Dict[Tuple[str, str], List[Dict[str, Any]]]:
    groups: Dict[Tuple[str, str], List[Dict[str, Any]]] = defaultdict(list)
    for _, case in cases("sign"):
        if case["timestamp"] is None:
            groups[(case["scheme"], case["secret"])].append(case)
    return groups


def test_the_fast_sign_path_is_on() -> None:
    # Every signer is the lane's class, whoever made it.
    assert type(INTERCOM) is _lane.Signer


def test_sign_equals_the_generated_path_on_every_sign_vector() -> None:
    count = 0
    for _, case in cases("sign"):
        if case["timestamp"] is not None:
            continue
        signer = Signer(Scheme.parse(case["scheme"]), case["secret"])
        identity = Identity(user_id=case["user_id"], email=case["email"])
        assert signer.sign(identity) == GENERATED_SIGN(signer, identity) == case["expected"]
        count += 1
    assert count > 50


@pytest.mark.parametrize("text", AWKWARD)
def test_sign_equals_the_generated_path_on_awkward_text(text: str) -> None:
    for scheme in ("intercom", "helpshift", "help-scout"):
        signer = Signer(Scheme.by_name(scheme), "5ec2e7")
        for identity in (Identity(user_id=text), Identity(email=text), Identity(user_id=text, email=text)):
            assert outcome(signer.sign, identity) == outcome(GENERATED_SIGN, signer, identity)


@pytest.mark.parametrize(
    "identity, error",
    [
        (Identity(), UserHashError.Unidentified),  # type: ignore[attr-defined]
        (Identity(user_id=""), UserHashError.EmptyField),  # type: ignore[attr-defined]
        (Identity(user_id="x" * 1025), UserHashError.IdentifierTooLong),  # type: ignore[attr-defined]
    ],
)
def test_sign_raises_what_the_generated_path_raises(identity: Identity, error: type) -> None:
    with pytest.raises(error) as fast:
        INTERCOM.sign(identity)
    with pytest.raises(error) as generated:
        GENERATED_SIGN(INTERCOM, identity)
    assert str(fast.value) == str(generated.value)


def test_signers_made_by_rust_have_the_fast_paths() -> None:
    keyring = userhash.Keyring(Scheme.by_name("intercom")).with_key("web", "5ec2e7")
    signer = keyring.signer("web")
    assert isinstance(signer, Signer)
    assert signer.sign_many(["42"]) == [INTERCOM.sign(Identity(user_id="42"))]


def test_sign_many_equals_the_shared_vectors() -> None:
    groups = untimestamped_sign_cases()
    assert len(groups) > 10
    for (scheme, secret), group in groups.items():
        signer = Signer(Scheme.parse(scheme), secret)
        identities = [Identity(user_id=case["user_id"], email=case["email"]) for case in group]
        assert signer.sign_many(identities) == [case["expected"] for case in group], scheme


@pytest.mark.parametrize("field", ["user_id", "email"])
def test_plain_strings_fill_one_field(field: str) -> None:
    for scheme in ("intercom", "help-scout", "helpshift"):
        signer = Signer(Scheme.by_name(scheme), "5ec2e7")
        expected = [outcome(signer.sign, Identity(**{field: text})) for text in AWKWARD]
        signed = signer.sign_many(AWKWARD, field=field, on_error="none")  # type: ignore[call-overload]
        assert [t if t else e for t, e in zip(signed, expected)] == expected
        # Any iterable, and str mixed with Identity objects.
        mixed = [text if i % 2 else Identity(**{field: text}) for i, text in enumerate(AWKWARD)]
        again = signer.sign_many(iter(mixed), field=field, on_error="none")  # type: ignore[call-overload]
        assert again == signed


def test_large_batches_keep_their_order() -> None:
    ids = [f"user-{i}" for i in range(20_000)]
    assert INTERCOM.sign_many(ids) == [INTERCOM.sign(Identity(user_id=i)) for i in ids]
    assert INTERCOM.sign_many([]) == []


def test_bad_items_raise_what_sign_raises_with_their_index() -> None:
    with pytest.raises(UserHashError.EmptyField, match=r"^item 1: "):  # type: ignore[attr-defined]
        INTERCOM.sign_many(["1", "", "x" * 2000])
    with pytest.raises(UserHashError.Unidentified, match=r"^item 0: "):  # type: ignore[attr-defined]
        INTERCOM.sign_many([Identity(), "1"])
    with pytest.raises(UserHashError.MissingField, match=r"^item 0: "):  # type: ignore[attr-defined]
        Signer(Scheme.by_name("help-scout"), "5ec2e7").sign_many(["42"])


@pytest.mark.parametrize("bad", ["", "x" * 2000, Identity()])
def test_a_bad_items_error_is_signs_after_its_index(bad: object) -> None:
    identity = bad if isinstance(bad, Identity) else Identity(user_id=bad)
    with pytest.raises(UserHashError) as alone:
        INTERCOM.sign(identity)
    with pytest.raises(UserHashError) as in_batch:
        INTERCOM.sign_many(["ok", bad])  # type: ignore[list-item]
    assert type(in_batch.value) is type(alone.value)
    assert str(in_batch.value) == f"item 1: {alone.value}"


def test_bad_items_become_none_on_request() -> None:
    tokens: List[Optional[str]] = INTERCOM.sign_many(
        ["1", "", "x" * 2000, Identity(), "bad\ud800", "2"], on_error="none"
    )
    assert tokens == [INTERCOM.sign(Identity(user_id="1")), None, None, None, None,
                      INTERCOM.sign(Identity(user_id="2"))]


def test_caller_bugs_are_type_and_value_errors() -> None:
    with pytest.raises(TypeError, match=r"^item 1: expected str or Identity, not int"):
        INTERCOM.sign_many(["1", 2])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^item 0: Identity.user_id must be str or None, not bytes"):
        INTERCOM.sign_many([Identity(user_id=b"1")])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^item 1: text is not valid Unicode") as raised:
        INTERCOM.sign_many(["1", "secret-ish\ud800"])
    assert "secret-ish" not in str(raised.value)
    with pytest.raises(ValueError):
        INTERCOM.sign_many(["1"], field="name")  # type: ignore[call-overload]
    with pytest.raises(ValueError):
        INTERCOM.sign_many(["1"], on_error="skip")  # type: ignore[call-overload]


def test_timestamped_schemes_stamp_every_item() -> None:
    jimo = Signer(Scheme.by_name("jimo"), "5ec2e7")
    tokens = jimo.sign_many(["1", "2"])
    assert all(len(token) > 65 and token[64] == "-" for token in tokens)
