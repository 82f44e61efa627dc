"""The vendors' identity JWTs, modelled in plain Python: where each puts the identity and
attributes in its claims, and signing and checking with PyJWT, never with userhash."""

import base64
import hashlib
import hmac
import json
import warnings

import jwt  # PyJWT


DEFAULT_LIFETIME = 3600
DEFAULT_MAX_AGE = 3600
DEFAULT_SKEW = 300
ISSUED = 1_760_000_000
NOW = ISSUED + 60

# PyJWT warns about HMAC keys shorter than the hash; the vendors' secrets are what they are.
warnings.filterwarnings("ignore")


LAYOUTS = {
    "intercom-jwt": {
        "user_id": ("user_id",), "email": ("email",), "name": ("name",),
        "subject": "user_id",
    },
    "zendesk": {
        "user_id": ("external_id",), "email": ("email",), "name": ("name",),
        "email_verified": ("email_verified",), "fixed": {"scope": "user"},
        "kid": True, "max_user_id": 255, "subject": "user_id",
    },
    "featurebase": {
        "user_id": ("userId",), "email": ("email",), "name": ("name",),
        "subject": "user_id_else_email",
    },
    "pendo": {
        "user_id": ("visitor", "id"), "email": ("visitor", "email"),
        "name": ("visitor", "full_name"), "account_id": ("account", "id"),
        "nonce": ("nonce",), "nonce_required": True, "subject": "user_id",
    },
    "freshchat": {
        "user_id": ("reference_id",), "email": ("email",), "name": ("name",),
        "subject": "user_id",
    },
    "subject=user_id,output=jwt": {
        "user_id": ("sub",), "email": ("email",), "name": ("name",),
        "email_verified": ("email_verified",), "nonce": ("nonce",), "subject": "user_id",
    },
    "subject=user_id_else_email,key=hex,output=jwt": {
        "user_id": ("sub",), "email": ("email",), "name": ("name",),
        "email_verified": ("email_verified",), "nonce": ("nonce",),
        "subject": "user_id_else_email",
    },
}


def put(claims, path, value):
    for parent in path[:-1]:
        claims = claims.setdefault(parent, {})
    claims[path[-1]] = value


def merge(claims, extra):
    for name, value in extra.items():
        if name in claims and isinstance(claims[name], dict) and isinstance(value, dict):
            merge(claims[name], value)
        else:
            assert name not in claims, f"extra claim {name} collides"
            claims[name] = value


def claims_for(scheme, user_id, email, attributes, issued_at):
    """The claims userhash must write for this identity and these attributes."""
    layout = LAYOUTS[scheme]
    attributes = attributes or {}
    claims = {}
    if user_id is not None:
        put(claims, layout["user_id"], user_id)
    if email is not None:
        put(claims, layout["email"], email)
    for attribute in ("name", "email_verified", "account_id", "nonce"):
        if attribute in attributes:
            put(claims, layout[attribute], attributes[attribute])
    claims.update(layout.get("fixed", {}))
    claims["iat"] = issued_at
    claims["exp"] = issued_at + attributes.get("expires_in", DEFAULT_LIFETIME)
    if "extra_claims" in attributes:
        merge(claims, json.loads(attributes["extra_claims"]))
    return claims


def key_bytes(scheme, secret):
    return bytes.fromhex(secret) if "key=hex" in scheme else secret.encode("utf-8")


def canonical(claims):
    return json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def pyjwt_sign(key, claims, kid=None, algorithm="HS256", payload=None):
    """A token signed by PyJWT: the claims serialised as userhash does, or a raw payload."""
    body = (payload if payload is not None else canonical(claims)).encode("utf-8")
    headers = {"kid": kid} if kid is not None else None
    return jwt.api_jws.encode(body, key, algorithm=algorithm, headers=headers)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hand_sign(key, header_json, payload_json):
    """A token with a hand-written header (PyJWT refuses to write some of the broken ones)."""
    signing_input = b64url(header_json.encode()) + "." + b64url(payload_json.encode())
    mac = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


def pyjwt_verdict(token, key, now):
    """PyJWT's own verdict at the time `now`, with userhash's default skew as leeway."""
    import datetime
    import unittest.mock as mock

    real = datetime.datetime

    class Pinned(real):
        @classmethod
        def now(cls, tz=None):
            return real.fromtimestamp(now, tz=tz)

    # PyJWT reads the clock itself; pin it so every verdict is taken at the vector's `now`.
    with mock.patch("jwt.api_jwt.datetime", Pinned):
        try:
            jwt.decode(token, key, algorithms=["HS256"], leeway=DEFAULT_SKEW,
                       options={"require": []})
        except jwt.InvalidTokenError:
            return False
    return True
