"""The JWT schemes against PyJWT, an implementation userhash shares nothing with.

A token from each JWT preset must verify with PyJWT; tokens PyJWT makes must verify with
userhash; and a tampered or unsigned token must be rejected by userhash with the right code.
"""

from __future__ import annotations

import base64
import json
import time

import jwt  # PyJWT
import pytest

import userhash
from userhash import Attributes, Identity, Keyring, Scheme, Signer, UserHashError, Verifier

SECRET = "jwt-test-secret-0123456789abcdef0123"
KID = "app_64b6d9f0d7ab2e0001cd4e34"
JWT_PRESETS = [info.name for info in userhash.presets() if info.encoding == userhash.Encoding.JWT]
USER = Identity(user_id="42", email="ada@example.com")


def signer_for(name: str) -> Signer:
    signer = Signer(Scheme.by_name(name), SECRET)
    return signer.with_key_id(KID) if Scheme.by_name(name).info().requires_key_id else signer


def attributes_for(name: str) -> Attributes:
    return Attributes(name="Ada", nonce="n-1") if name == "pendo" else Attributes(name="Ada")


def verifier_for(name: str) -> Verifier:
    return Verifier(Keyring(Scheme.by_name(name)).with_key(KID, SECRET))


def decode_segment(segment: str) -> dict[str, object]:
    decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    assert isinstance(decoded, dict)
    return decoded


def test_the_five_vendor_presets_are_jwt() -> None:
    assert JWT_PRESETS == ["intercom-jwt", "zendesk", "featurebase", "pendo", "freshchat"]


@pytest.mark.parametrize("name", JWT_PRESETS)
def test_userhash_tokens_verify_with_pyjwt(name: str) -> None:
    token = signer_for(name).sign_with(USER, attributes_for(name))
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    assert header.get("kid") == (KID if name == "zendesk" else None)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 3600
    assert abs(claims["iat"] - time.time()) < 60


@pytest.mark.parametrize("name", JWT_PRESETS)
def test_pyjwt_tokens_verify_with_userhash(name: str) -> None:
    reference = signer_for(name).sign_with(USER, attributes_for(name))
    claims = jwt.decode(reference, SECRET, algorithms=["HS256"])
    headers = {"kid": KID} if name == "zendesk" else None
    token = jwt.encode(claims, SECRET, algorithm="HS256", headers=headers)
    verified = verifier_for(name).verify(USER, token)
    assert verified.label == KID
    assert verified.claims is not None and json.loads(verified.claims) == claims


@pytest.mark.parametrize("name", JWT_PRESETS)
@pytest.mark.filterwarnings("ignore:The HMAC key")  # PyJWT on the HS512 token it is asked for
def test_tampered_and_unsigned_tokens_are_rejected_with_the_right_code(name: str) -> None:
    token = signer_for(name).sign_with(USER, attributes_for(name))
    header, payload, signature = token.split(".")
    claims = decode_segment(payload)
    claims["exp"] = 4_102_444_800  # a forger extending the token's life
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    verifier = verifier_for(name)
    with pytest.raises(UserHashError.Mismatch):
        verifier.verify(USER, f"{header}.{forged_payload}.{signature}")
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    with pytest.raises(UserHashError.UnsupportedAlgorithm) as rejected:
        verifier.verify(USER, unsigned)
    assert userhash.error_code(rejected.value) is userhash.ErrorCode.UNSUPPORTED_ALGORITHM
    other_alg = jwt.encode(claims, SECRET, algorithm="HS512")
    with pytest.raises(UserHashError.UnsupportedAlgorithm):
        verifier.verify(USER, other_alg)


def test_explain_names_the_jwt_mistake() -> None:
    scheme = Scheme.by_name("zendesk")
    verifier = Verifier(Keyring(scheme).with_key(KID, SECRET))
    claims = {"external_id": "42", "scope": "user", "iat": int(time.time())}
    no_kid = jwt.encode(claims, SECRET, algorithm="HS256")
    diagnosis = verifier.explain(USER, no_kid)
    assert not diagnosis.valid
    assert diagnosis.findings[0].cause == userhash.Cause.KEY_ID_MISSING
    assert "kid" in diagnosis.summary


def test_pendo_without_a_nonce_is_a_typed_error() -> None:
    with pytest.raises(UserHashError.MissingClaim) as missing:
        Signer(Scheme.by_name("pendo"), SECRET).sign(USER)
    assert "nonce" in str(missing.value)
    assert SECRET not in str(missing.value) and SECRET not in repr(missing.value)
