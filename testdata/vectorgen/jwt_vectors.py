"""The JWT vector files (one per JWT preset, jwt-custom.json, jwt-explain.json, jwt-gate.json),
their case builders, and the file set `generate_jwt_vectors.py` writes."""

import base64
import json

from . import output
from .output import render
from .jwt_model import (
    DEFAULT_LIFETIME,
    DEFAULT_MAX_AGE,
    DEFAULT_SKEW,
    ISSUED,
    LAYOUTS,
    NOW,
    b64url,
    canonical,
    claims_for,
    key_bytes,
    put,
    pyjwt_sign,
    pyjwt_verdict,
)


GENERATOR = "testdata/generate_jwt_vectors.py"
SOURCE = "computed: PyJWT (testdata/generate_jwt_vectors.py)"


SECRETS = {
    "intercom-jwt": ("demo_intercom_jwt_web_5e0a3c8e41b2d7f6a9c4", "demo_intercom_jwt_ios_77d1e0b93c2a4f58e6b1"),
    "zendesk": ("demo_zendesk_kid1_Xq3V9pLr2sT8wZ4yB6nM1cD5", "demo_zendesk_kid2_Hk7J2mN9qR4tV8xZ1aC3eF6g"),
    "featurebase": ("demo_featurebase_jwt_0c9b8a7d6e5f4a3b2c1d", "demo_featurebase_jwt_prev_9f8e7d6c5b4a3021"),
    "pendo": ("demo_pendo_signing_key_4b1d9e7a2c5f8036d1e4", "demo_pendo_signing_key_old_a0b1c2d3e4f5a6b7"),
    "freshchat": ("demo_freshchat_encryption_key_6c3f1a9e8d2b", "demo_freshchat_encryption_key_old_1f2e3d4c"),
    "subject=user_id,output=jwt": ("demo_generic_jwt_secret_2d4f6a8c0e1b3d5f7a9c", "demo_generic_jwt_secret_old_0a1b2c3d4e5f"),
    "subject=user_id_else_email,key=hex,output=jwt": ("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"),
}
ZENDESK_KIDS = ("app_64b6d9f0d7ab2e0001cd4e34", "app_5f0c1e2d3b4a596877869504")


def labels_for(scheme):
    return ZENDESK_KIDS if scheme == "zendesk" else ("current", "previous")


def keyring_for(scheme):
    return [{"label": label, "secret": secret}
            for label, secret in zip(labels_for(scheme), SECRETS[scheme])]


def signing_kid(scheme, index=0):
    return labels_for(scheme)[index] if LAYOUTS[scheme].get("kid") else None


def token_for(scheme, user_id, email, attributes=None, issued_at=ISSUED, index=0, kid="default"):
    key = key_bytes(scheme, SECRETS[scheme][index])
    kid = signing_kid(scheme, index) if kid == "default" else kid
    return pyjwt_sign(key, claims_for(scheme, user_id, email, attributes, issued_at), kid)


def sign_case(case_id, scheme, user_id, email, attributes=None, issued_at=ISSUED):
    key_id = signing_kid(scheme)
    expected = token_for(scheme, user_id, email, attributes, issued_at)
    key = key_bytes(scheme, SECRETS[scheme][0])
    assert pyjwt_verdict(expected, key, issued_at), case_id
    return {
        "id": case_id, "source": SOURCE, "scheme": scheme, "secret": SECRETS[scheme][0],
        "key_id": key_id, "user_id": user_id, "email": email, "attributes": attributes,
        "timestamp": issued_at, "expected": expected,
    }


def verify_case(case_id, scheme, user_id, email, token, expected, now=NOW, only_label=None,
                max_age=None, max_future_skew=None, pyjwt=None, require_exp=None):
    """`pyjwt` is PyJWT's verdict on the token with the key that signed it, when it can judge."""
    if pyjwt is not None:
        signer_key = key_bytes(scheme, SECRETS[scheme][pyjwt[1]])
        assert pyjwt_verdict(token, signer_key, now) == pyjwt[0], case_id
    return {
        "id": case_id, "source": SOURCE, "scheme": scheme, "keyring": keyring_for(scheme),
        "user_id": user_id, "email": email, "token": token, "now": now,
        "max_age": max_age, "max_future_skew": max_future_skew, "require_exp": require_exp,
        "only_label": only_label, "expected": expected,
    }


def valid(label):
    return {"valid": True, "label": label}


def rejected(code):
    return {"valid": False, "error": code}


def error_case(case_id, operation, error, scheme, secret=None,
               user_id=None, email=None, attributes=None, key_id=None, timestamp=ISSUED):
    if secret is None:
        secret = "00ff" * 8 if "key=hex" in scheme else "not-a-real-secret-0123456789abcdef"
    return {
        "id": case_id, "source": SOURCE, "operation": operation, "scheme": scheme,
        "secret": secret, "key_id": key_id, "user_id": user_id, "email": email,
        "attributes": attributes, "timestamp": timestamp, "keyring": None, "token": None,
        "now": None, "max_age": None, "max_future_skew": None, "only_label": None,
        "error": error,
    }


def explain_case(case_id, scheme, user_id, email, token, first, includes, expected_label=None,
                 now=NOW, label=None):
    is_valid = first is None and not includes
    return {
        "id": case_id, "source": SOURCE, "scheme": scheme, "keyring": keyring_for(scheme),
        "expected_label": expected_label, "user_id": user_id, "email": email, "token": token,
        "now": now,
        "expected": {"valid": is_valid, "label": label if is_valid else None,
                     "first": first, "includes": includes},
    }


def gate_case(case_id, scheme, enforcement, user_id, email, token, outcome, error=None,
              claimed=None, now=NOW, label="default"):
    """The rollout gate's decision on a JWT request: a token is always verified, and with no
    identity beside it (absent or empty fields) the identity is taken from the verified claims
    (`claimed`, as {"user_id": ..., "email": ...})."""
    if enforcement == "off":
        outcome, error, claimed = "not_checked", None, None
    would_deny = outcome in ("missing", "invalid")
    if label == "default":
        label = labels_for(scheme)[0] if outcome == "verified" else None
    return {
        "id": case_id, "source": SOURCE, "scheme": scheme, "keyring": keyring_for(scheme),
        "enforcement": enforcement, "user_id": user_id, "email": email, "token": token,
        "now": now, "max_age": None, "max_future_skew": None, "only_label": None,
        "expected": {"allowed": not (enforcement == "enforce" and would_deny),
                     "outcome": outcome, "label": label, "error": error,
                     "would_deny_when_enforced": would_deny, "claimed_identity": claimed},
    }


def tamper_claims(token, change):
    """The same header and signature over edited claims: what a forger can do without the key."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(claims)
    return ".".join([header, b64url(canonical(claims).encode()), signature])


UID = "42"
EMAIL = "ada@example.com"


def preset_file(scheme, extra_attributes, required_attributes=None):
    required = required_attributes or {}
    slug = scheme.replace("=", "-").replace(",", "-")
    lbl = labels_for(scheme)
    sign = [
        sign_case(f"{slug}-sign-user-id", scheme, UID, None, required or None),
        sign_case(f"{slug}-sign-user-id-and-email", scheme, UID, EMAIL, required or None),
        sign_case(f"{slug}-sign-attributes", scheme, UID, EMAIL, {**required, **extra_attributes}),
        sign_case(f"{slug}-sign-unicode-name", scheme, "användare-7", "zoë@example.com",
                  {**required, "name": "Zoë Ødegård 山田"}),
        sign_case(f"{slug}-sign-short-lifetime", scheme, UID, None,
                  {**required, "expires_in": 300}, issued_at=ISSUED + 1),
        sign_case(f"{slug}-sign-time-zero", scheme, UID, None, required or None, issued_at=0),
    ]
    good = token_for(scheme, UID, EMAIL, required or None)
    old = token_for(scheme, UID, EMAIL, required or None, index=1)
    key = key_bytes(scheme, SECRETS[scheme][0])
    kid = signing_kid(scheme)
    verify = [
        verify_case(f"{slug}-verify-current", scheme, UID, EMAIL, good, valid(lbl[0]), pyjwt=(True, 0)),
        verify_case(f"{slug}-verify-previous", scheme, UID, None, old, valid(lbl[1]), pyjwt=(True, 1)),
        # No identity beside the token: the verified claims name the user.
        verify_case(f"{slug}-verify-no-identity", scheme, None, None, good, valid(lbl[0]),
                    pyjwt=(True, 0)),
        verify_case(f"{slug}-verify-no-identity-tampered", scheme, None, None,
                    tamper_claims(good, lambda c: put(c, LAYOUTS[scheme]["user_id"], "43")),
                    rejected("mismatch"), pyjwt=(False, 0)),
        verify_case(f"{slug}-verify-only-label", scheme, UID, EMAIL, good, rejected("mismatch"),
                    only_label=lbl[1]),
        verify_case(f"{slug}-verify-tampered-user", scheme, "43", EMAIL,
                    tamper_claims(good, lambda c: put(c, LAYOUTS[scheme]["user_id"], "43")),
                    rejected("mismatch"), pyjwt=(False, 0)),
        verify_case(f"{slug}-verify-another-user", scheme, "43", None,
                    good, rejected("mismatch"), pyjwt=(True, 0)),
        verify_case(f"{slug}-verify-expired", scheme, UID, EMAIL, good, rejected("expired"),
                    now=ISSUED + DEFAULT_LIFETIME + DEFAULT_SKEW + 1, pyjwt=(False, 0)),
        verify_case(f"{slug}-verify-expiry-within-skew", scheme, UID, EMAIL, good, valid(lbl[0]),
                    now=ISSUED + DEFAULT_LIFETIME + DEFAULT_SKEW - 1, pyjwt=(True, 0)),
        verify_case(f"{slug}-verify-expired-at-skew", scheme, UID, EMAIL, good, rejected("expired"),
                    now=ISSUED + DEFAULT_LIFETIME + DEFAULT_SKEW, pyjwt=(False, 0)),
        verify_case(f"{slug}-verify-issued-in-future", scheme, UID, EMAIL, good,
                    rejected("from_the_future"), now=ISSUED - DEFAULT_SKEW - 1, pyjwt=(False, 0)),
        verify_case(f"{slug}-verify-alg-none", scheme, UID, EMAIL,
                    ".".join(good.split(".")[:2]).replace(good.split(".")[0], b64url(b'{"alg":"none","typ":"JWT"}')) + ".",
                    rejected("unsupported_algorithm")),
        verify_case(f"{slug}-verify-alg-hs512", scheme, UID, EMAIL,
                    pyjwt_sign(key, claims_for(scheme, UID, EMAIL, required or None, ISSUED), kid, "HS512"),
                    rejected("unsupported_algorithm")),
        verify_case(f"{slug}-verify-padded", scheme, UID, EMAIL, good + "=", rejected("malformed_token")),
        verify_case(f"{slug}-verify-not-a-jwt", scheme, UID, EMAIL, "0" * 64, rejected("malformed_token")),
        verify_case(f"{slug}-verify-duplicate-member", scheme, UID, EMAIL,
                    pyjwt_sign(key, None, kid, payload=canonical(claims_for(scheme, UID, EMAIL, required or None, ISSUED))[:-1] + ',"iat":1}'),
                    rejected("malformed_token")),
        verify_case(f"{slug}-verify-exp-not-a-number", scheme, UID, EMAIL,
                    pyjwt_sign(key, {**claims_for(scheme, UID, EMAIL, required or None, ISSUED), "exp": "soon"}, kid),
                    rejected("invalid_claim")),
    ]
    user_path = LAYOUTS[scheme]["user_id"]
    missing_user = claims_for(scheme, None, EMAIL, required or None, ISSUED)
    if LAYOUTS[scheme]["subject"] == "user_id":
        verify.append(verify_case(
            f"{slug}-verify-missing-user-id-claim", scheme, UID, EMAIL,
            pyjwt_sign(key, missing_user, kid), rejected("missing_claim"), pyjwt=(True, 0)))
    wrong_type = claims_for(scheme, UID, EMAIL, required or None, ISSUED)
    put(wrong_type, user_path, 42)
    verify.append(verify_case(f"{slug}-verify-user-id-not-a-string", scheme, UID, EMAIL,
                              pyjwt_sign(key, wrong_type, kid), rejected("invalid_claim")))
    errors = [
        error_case(f"{slug}-error-sign-unidentified", "sign", "unidentified", scheme,
                   attributes=required or None, key_id=kid),
        error_case(f"{slug}-error-sign-extra-claims-replace", "sign", "invalid_claim", scheme,
                   user_id=UID, key_id=kid,
                   attributes={**required, "extra_claims": json.dumps({user_path[0]: "admin"})}),
        error_case(f"{slug}-error-sign-extra-claims-not-object", "sign", "invalid_claim", scheme,
                   user_id=UID, key_id=kid, attributes={**required, "extra_claims": "[1, 2]"}),
        error_case(f"{slug}-error-sign-zero-lifetime", "sign", "invalid_claim", scheme,
                   user_id=UID, key_id=kid, attributes={**required, "expires_in": 0}),
        error_case(f"{slug}-error-sign-too-long", "sign", "invalid_claim", scheme,
                   user_id=UID, key_id=kid,
                   attributes={**required, "extra_claims": json.dumps({"blob": "x" * 9000})}),
    ]
    return {"sign": sign, "verify": verify, "errors": errors, "explain": [], "gate": []}


def zendesk_extras(content):
    key = key_bytes("zendesk", SECRETS["zendesk"][0])
    base = claims_for("zendesk", UID, EMAIL, None, ISSUED)
    no_scope = {k: v for k, v in base.items() if k != "scope"}
    content["verify"] += [
        verify_case("zendesk-verify-no-kid", "zendesk", UID, EMAIL, pyjwt_sign(key, base, None),
                    rejected("missing_key_id"), pyjwt=(True, 0)),
        verify_case("zendesk-verify-unknown-kid", "zendesk", UID, EMAIL,
                    pyjwt_sign(key, base, "app_000000000000000000000000"),
                    rejected("unknown_key_id"), pyjwt=(True, 0)),
        verify_case("zendesk-verify-kid-of-other-key", "zendesk", UID, EMAIL,
                    pyjwt_sign(key, base, ZENDESK_KIDS[1]), rejected("mismatch")),
        verify_case("zendesk-verify-no-scope", "zendesk", UID, EMAIL,
                    pyjwt_sign(key, no_scope, ZENDESK_KIDS[0]), rejected("missing_claim"),
                    pyjwt=(True, 0)),
        verify_case("zendesk-verify-wrong-scope", "zendesk", UID, EMAIL,
                    pyjwt_sign(key, {**base, "scope": "admin"}, ZENDESK_KIDS[0]),
                    rejected("invalid_claim")),
        verify_case("zendesk-verify-external-id-255", "zendesk", "é" * 255, None,
                    token_for("zendesk", "é" * 255, None), valid(ZENDESK_KIDS[0]), pyjwt=(True, 0)),
        verify_case("zendesk-verify-external-id-256", "zendesk", "e" * 256, None,
                    pyjwt_sign(key, claims_for("zendesk", "e" * 256, None, None, ISSUED), ZENDESK_KIDS[0]),
                    rejected("invalid_claim")),
    ]
    content["sign"].append(sign_case("zendesk-sign-external-id-255", "zendesk", "é" * 255, None))
    content["errors"] += [
        error_case("zendesk-error-sign-no-key-id", "sign", "missing_key_id", "zendesk", user_id=UID),
        error_case("zendesk-error-sign-external-id-256", "sign", "invalid_claim", "zendesk",
                   user_id="e" * 256, key_id=ZENDESK_KIDS[0]),
        error_case("zendesk-error-sign-bad-key-id", "sign", "invalid_label", "zendesk",
                   user_id=UID, key_id="App 1"),
        error_case("zendesk-error-sign-nonce", "sign", "invalid_claim", "zendesk", user_id=UID,
                   key_id=ZENDESK_KIDS[0], attributes={"nonce": "n-1"}),
    ]


def pendo_extras(content):
    key = key_bytes("pendo", SECRETS["pendo"][0])
    no_nonce = claims_for("pendo", UID, EMAIL, None, ISSUED)
    content["verify"].append(verify_case(
        "pendo-verify-no-nonce", "pendo", UID, EMAIL, pyjwt_sign(key, no_nonce),
        rejected("missing_claim"), pyjwt=(True, 0)))
    content["errors"] += [
        error_case("pendo-error-sign-no-nonce", "sign", "missing_claim", "pendo", user_id=UID),
        error_case("pendo-error-sign-empty-nonce", "sign", "missing_claim", "pendo", user_id=UID,
                   attributes={"nonce": ""}),
    ]


def featurebase_extras(content):
    content["sign"].append(sign_case("featurebase-sign-email-only", "featurebase", None, EMAIL))
    content["verify"] += [
        verify_case("featurebase-verify-email-only", "featurebase", None, EMAIL,
                    token_for("featurebase", None, EMAIL), valid("current"), pyjwt=(True, 0)),
        verify_case("featurebase-verify-user-id-token-for-email-identity", "featurebase", None,
                    EMAIL, token_for("featurebase", UID, None), rejected("missing_claim")),
    ]


def time_cases(scheme):
    """The verifier bounds every genuine token in time: `exp` is required (unless the policy
    says the vendor omits it, and then `iat` is, bounded by the max age), and the validity an
    `exp` grants may not exceed the max age: `exp - iat`, or `exp - now` without `iat`. PyJWT
    accepts every one of these tokens (it bounds nothing the issuer did not ask it to)."""
    slug = scheme.replace("=", "-").replace(",", "-")
    key = key_bytes(scheme, SECRETS[scheme][0])
    base = claims_for(scheme, UID, None, None, ISSUED)
    no_exp = {k: v for k, v in base.items() if k != "exp"}
    no_times = {k: v for k, v in no_exp.items() if k != "iat"}
    no_iat = {k: v for k, v in base.items() if k != "iat"}
    cases = [
        ("no-exp", no_exp, rejected("missing_claim"), {}),
        ("no-exp-optional", no_exp, valid("current"), {"require_exp": False}),
        ("no-exp-optional-stale", no_exp, rejected("expired"),
         {"require_exp": False, "now": ISSUED + DEFAULT_MAX_AGE + 1}),
        ("no-exp-no-iat", no_times, rejected("missing_claim"), {}),
        ("no-exp-no-iat-optional", no_times, rejected("missing_claim"), {"require_exp": False}),
        ("lifetime-over-max-age", {**base, "exp": ISSUED + 2 * DEFAULT_MAX_AGE},
         rejected("invalid_claim"), {}),
        ("lifetime-within-custom-max-age", {**base, "exp": ISSUED + 2 * DEFAULT_MAX_AGE},
         valid("current"), {"max_age": 2 * DEFAULT_MAX_AGE}),
        ("lifetime-ten-years", {**base, "exp": ISSUED + 10 * 365 * 86_400},
         rejected("invalid_claim"), {}),
        ("exp-before-iat", {**base, "exp": ISSUED - 10}, rejected("invalid_claim"), {}),
        ("far-future-exp-no-iat", {**no_iat, "exp": NOW + 10 * 365 * 86_400},
         rejected("invalid_claim"), {}),
        ("exp-no-iat-within-max-age", {**no_iat, "exp": NOW + DEFAULT_MAX_AGE},
         valid("current"), {}),
    ]
    out = []
    for name, claims, expected, options in cases:
        now = options.get("now", NOW)
        out.append(verify_case(
            f"{slug}-verify-{name}", scheme, UID, None, pyjwt_sign(key, claims), expected,
            now=now, max_age=options.get("max_age"), require_exp=options.get("require_exp"),
            pyjwt=(True, 0)))
    return out


def common_errors():
    return [
        error_case("jwt-error-attributes-on-a-hash", "sign", "invalid_claim", "intercom",
                   user_id=UID, attributes={"name": "Ada"}, timestamp=None),
        error_case("jwt-error-key-id-on-a-hash", "sign", "invalid_claim", "intercom",
                   user_id=UID, key_id="web", timestamp=None),
        error_case("jwt-error-nonce-without-claim", "sign", "invalid_claim", "intercom-jwt",
                   user_id=UID, attributes={"nonce": "n-1"}),
        error_case("jwt-error-account-without-claim", "sign", "invalid_claim", "featurebase",
                   user_id=UID, attributes={"account_id": "acme"}),
        error_case("jwt-error-spec-jwt-with-suffix", "scheme", "invalid_scheme",
                   "subject=user_id,output=jwt,timestamp=suffix"),
        error_case("jwt-error-missing-field", "sign", "missing_field", "intercom-jwt",
                   email=EMAIL),
        error_case("jwt-error-empty-user-id", "sign", "empty_field", "intercom-jwt", user_id=""),
    ]


def explain_file():
    s = "intercom-jwt"
    key = key_bytes(s, SECRETS[s][0])
    other = key_bytes(s, SECRETS[s][1])
    base = claims_for(s, UID, EMAIL, None, ISSUED)
    z = "zendesk"
    zkey = key_bytes(z, SECRETS[z][0])
    zbase = claims_for(z, UID, EMAIL, None, ISSUED)
    hexed = "subject=user_id,output=jwt"
    hex_secret = "6a403a1fcfcc866b8917e6e208a553004c54c73846bc4f3f686757e2a5ad588e"
    cases = [
        explain_case("jwt-explain-valid", s, UID, EMAIL, pyjwt_sign(key, base), None, [],
                     label="current"),
        explain_case("jwt-explain-wrong-key", s, UID, EMAIL, pyjwt_sign(other, base),
                     "wrong_key", ["wrong_key"], expected_label="current"),
        explain_case("jwt-explain-wrong-algorithm", s, UID, EMAIL,
                     pyjwt_sign(key, base, algorithm="HS512"), "wrong_algorithm", ["wrong_algorithm"]),
        explain_case("jwt-explain-alg-none", s, UID, EMAIL,
                     b64url(b'{"alg":"none","typ":"JWT"}') + "." + b64url(canonical(base).encode()) + ".",
                     "wrong_algorithm", ["wrong_algorithm"]),
        explain_case("jwt-explain-expired", s, UID, EMAIL, pyjwt_sign(key, base),
                     "stale_timestamp", ["stale_timestamp"], now=ISSUED + 86_400),
        explain_case("jwt-explain-no-identity-expired", s, None, None, pyjwt_sign(key, base),
                     "stale_timestamp", ["stale_timestamp"], now=ISSUED + 86_400),
        explain_case("jwt-explain-iat-milliseconds", s, UID, EMAIL,
                     pyjwt_sign(key, {**base, "iat": ISSUED * 1000, "exp": ISSUED * 1000 + 3600}),
                     "milliseconds_timestamp", ["milliseconds_timestamp"]),
        explain_case("jwt-explain-iat-future", s, UID, EMAIL,
                     pyjwt_sign(key, {**base, "iat": NOW + 7200, "exp": NOW + 10_800}),
                     "future_timestamp", ["future_timestamp"]),
        explain_case("jwt-explain-another-user", s, "43", None, pyjwt_sign(key, base),
                     "another_user", ["another_user"]),
        explain_case("jwt-explain-email-case", s, UID, "Ada@Example.com", pyjwt_sign(key, base),
                     "email_case", ["email_case"]),
        explain_case("jwt-explain-whitespace", s, UID + " ", None, pyjwt_sign(key, base),
                     "surrounding_whitespace", ["surrounding_whitespace"]),
        explain_case("jwt-explain-email-as-user-id", s, UID, EMAIL,
                     pyjwt_sign(key, {**base, "user_id": EMAIL}), "email_instead_of_user_id",
                     ["email_instead_of_user_id"]),
        explain_case("jwt-explain-claim-missing", z, UID, EMAIL,
                     pyjwt_sign(zkey, {k: v for k, v in zbase.items() if k != "scope"}, ZENDESK_KIDS[0]),
                     "claim_missing", ["claim_missing"]),
        explain_case("jwt-explain-claim-invalid", z, UID, EMAIL,
                     pyjwt_sign(zkey, {**zbase, "scope": "admin"}, ZENDESK_KIDS[0]),
                     "claim_invalid", ["claim_invalid"]),
        explain_case("jwt-explain-key-id-missing", z, UID, EMAIL, pyjwt_sign(zkey, zbase),
                     "key_id_missing", ["key_id_missing"]),
        explain_case("jwt-explain-key-id-mismatch", z, UID, EMAIL,
                     pyjwt_sign(zkey, zbase, ZENDESK_KIDS[1]), "key_id_mismatch", ["key_id_mismatch"]),
        explain_case("jwt-explain-combo-wrong-key-and-expired", s, UID, EMAIL,
                     pyjwt_sign(other, base), None, ["wrong_key", "stale_timestamp"],
                     expected_label="current", now=ISSUED + 86_400),
        explain_case("jwt-explain-no-exp", s, UID, EMAIL,
                     pyjwt_sign(key, {k: v for k, v in base.items() if k != "exp"}),
                     "claim_missing", ["claim_missing"]),
        explain_case("jwt-explain-lifetime-over-max-age", s, UID, EMAIL,
                     pyjwt_sign(key, {**base, "exp": ISSUED + 86_400}),
                     "claim_invalid", ["claim_invalid"]),
        explain_case("jwt-explain-no-known-mistake", s, UID, EMAIL,
                     pyjwt_sign(b"a secret from somewhere else entirely", base), None, []),
    ]
    # A hex-looking text secret that was hex-decoded before signing.
    SECRETS["explain-hex"] = (hex_secret,)
    cases.append({
        **explain_case("jwt-explain-secret-hex-decoded", hexed, UID, None,
                       pyjwt_sign(bytes.fromhex(hex_secret), claims_for(hexed, UID, None, None, ISSUED)),
                       "secret_hex_decoded", ["secret_hex_decoded"]),
        "keyring": [{"label": "current", "secret": hex_secret}],
    })
    # The no-known-mistake case is rejected with a plain mismatch: clear the bogus "valid".
    for case in cases:
        if case["id"] == "jwt-explain-no-known-mistake":
            case["expected"] = {"valid": False, "label": None, "first": None, "includes": []}
    return {"sign": [], "verify": [], "errors": [], "explain": cases, "gate": []}


def gate_file():
    """The gate on JWTs, above all without an identity beside the token (the user id of a JWT
    integration lives in the token): verified from the claims, or denied under enforce."""
    cases = []
    for scheme in ("intercom-jwt", "zendesk", "featurebase"):
        key = key_bytes(scheme, SECRETS[scheme][0])
        kid = signing_kid(scheme)
        slug = scheme.replace("-jwt", "")
        good = token_for(scheme, UID, EMAIL)
        ada = {"user_id": UID, "email": EMAIL}
        forged = tamper_claims(good, lambda c: put(c, LAYOUTS[scheme]["user_id"], "1"))
        unsigned = (b64url(b'{"alg":"none","typ":"JWT"}') + "."
                    + b64url(canonical(claims_for(scheme, "1", None, None, ISSUED)).encode()) + ".")
        other_key = pyjwt_sign(b"a secret from somewhere else entirely",
                               claims_for(scheme, "1", None, None, ISSUED), kid)
        stale_at = ISSUED + DEFAULT_LIFETIME + DEFAULT_SKEW + 1
        assert pyjwt_verdict(good, key, NOW) and not pyjwt_verdict(forged, key, NOW)
        assert not pyjwt_verdict(good, key, stale_at)
        for mode in ("off", "report", "enforce"):
            def case(name, user_id, email, token, outcome, error=None, claimed=None, now=NOW):
                if mode == "off" and name not in ("anonymous-genuine", "anonymous-forged"):
                    return
                cases.append(gate_case(f"jwt-gate-{slug}-{mode}-{name}", scheme, mode, user_id,
                                       email, token, outcome, error, claimed, now))

            case("verified", UID, EMAIL, good, "verified")
            case("another-user", "43", None, good, "invalid", "mismatch")
            case("missing", UID, None, None, "missing")
            case("anonymous", None, None, None, "unidentified")
            case("anonymous-genuine", None, None, good, "verified", claimed=ada)
            case("empty-user-id-genuine", "", None, good, "verified", claimed=ada)
            case("anonymous-forged", None, None, forged, "invalid", "mismatch")
            case("anonymous-alg-none", None, None, unsigned, "invalid", "unsupported_algorithm")
            case("anonymous-other-key", None, None, other_key, "invalid", "mismatch")
            case("anonymous-expired", None, None, good, "invalid", "expired", now=stale_at)
            case("anonymous-not-a-jwt", None, None, "0" * 64, "invalid", "malformed_token")
    # Featurebase names a user by email alone; intercom-jwt needs its user_id claim.
    email_only = token_for("featurebase", None, EMAIL)
    cases.append(gate_case("jwt-gate-featurebase-enforce-anonymous-email-only", "featurebase",
                           "enforce", None, None, email_only, "verified",
                           claimed={"user_id": None, "email": EMAIL}))
    intercom_key = key_bytes("intercom-jwt", SECRETS["intercom-jwt"][0])
    nobody = pyjwt_sign(intercom_key, claims_for("intercom-jwt", None, EMAIL, None, ISSUED))
    assert pyjwt_verdict(nobody, intercom_key, NOW)
    cases.append(gate_case("jwt-gate-intercom-enforce-anonymous-no-user-id-claim",
                           "intercom-jwt", "enforce", None, None, nobody, "invalid",
                           "missing_claim"))
    return {"sign": [], "verify": [], "errors": [], "explain": [], "gate": cases}


def custom_file():
    content = preset_file("subject=user_id,output=jwt", {"email_verified": True, "nonce": "n-1"})
    hexed = preset_file("subject=user_id_else_email,key=hex,output=jwt", {"name": "Ada"})
    for key in content:
        content[key] += hexed[key]
    content["errors"] += common_errors()
    content["verify"] += time_cases("subject=user_id,output=jwt")
    return content


def files():
    intercom = preset_file("intercom-jwt", {"name": "Ada Lovelace"})
    intercom["verify"] += time_cases("intercom-jwt")
    zendesk = preset_file("zendesk", {"name": "Ada Lovelace", "email_verified": True})
    zendesk_extras(zendesk)
    featurebase = preset_file("featurebase", {
        "name": "Ada Lovelace",
        "extra_claims": json.dumps({"companies": [{"id": "acme", "name": "Acme", "monthlySpend": 500}],
                                    "customFields": {"plan": "pro"}}),
    })
    featurebase_extras(featurebase)
    pendo_required = {"nonce": "3f1c9a7e-0b2d-4c55-9e1a-6d8f0b7c2a41"}
    pendo = preset_file("pendo", {"name": "Ada Lovelace", "account_id": "acme",
                                  "extra_claims": json.dumps({"visitor": {"role": "admin"},
                                                              "account": {"plan": "pro"}})},
                        pendo_required)
    pendo_extras(pendo)
    freshchat = preset_file("freshchat", {"name": "Ada Lovelace"})
    return {
        "intercom-jwt": ("intercom-jwt (Intercom Messenger Security)", intercom),
        "zendesk": ("zendesk (Zendesk messaging)", zendesk),
        "featurebase": ("featurebase (JWT mode)", featurebase),
        "pendo": ("pendo (signed metadata)", pendo),
        "freshchat": ("freshchat (claim names inferred)", freshchat),
        "jwt-custom": ("custom output=jwt schemes and errors common to JWT schemes", custom_file()),
        "jwt-explain": ("diagnosis of rejected JWTs", explain_file()),
        "jwt-gate": ("the rollout gate on JWTs, with and without an identity beside the token",
                     gate_file()),
    }


def documents():
    """Every file of the set, rendered; case ids are unique across them."""
    ids = set()
    rendered = {}
    for name, (about, content) in files().items():
        for section in content.values():
            for case in section:
                assert case["id"] not in ids, f"duplicate id {case['id']}"
                ids.add(case["id"])
        rendered[f"{name}.json"] = render({"about": about, "generator": GENERATOR, **content})
    return rendered


def main(description):
    return output.main(description, GENERATOR, documents)
