"""keyring.json (per-platform keys, rotation, labels) and errors.json (every input error)."""

from .hash_model import sign
from .hash_cases import (
    BAD_SECRET,
    EMAIL,
    TYPICAL_NOW,
    TYPICAL_TS,
    UID,
    VectorFile,
    demo_hex_secret,
    demo_text_secret,
    ring,
)


PLATFORM_SECRETS = {
    label: demo_text_secret("intercom-ring/" + label)
    for label in ("ios", "android", "web", "previous", "test")
}


def platform_ring(*labels):
    return ring(*((label, PLATFORM_SECRETS[label]) for label in labels))


def keyring_file():
    f = VectorFile("keyring.json",
                   "Keyrings: per-platform secrets, rotation, first-match-wins, only_label, "
                   "label syntax and keyring construction errors.")
    platforms = platform_ring("ios", "android", "web", "previous")

    def token(label, user_id=UID, email=None, scheme="intercom", ts=None):
        return sign(scheme, PLATFORM_SECRETS[label], user_id, email, ts)

    for label in ("ios", "android", "web", "previous"):
        f.sign_case(f"keyring-sign-intercom-{label}", "intercom", PLATFORM_SECRETS[label], UID)
        f.verify_case(f"keyring-verify-intercom-{label}", "intercom", platforms, UID, None,
                      token(label), valid=label)
        f.verify_case(f"keyring-verify-intercom-only-{label}", "intercom", platforms, UID, None,
                      token(label), valid=label, only_label=label)
    f.verify_case("keyring-verify-rotation-previous", "intercom",
                  platform_ring("web", "previous"), UID, None, token("previous"),
                  valid="previous")
    f.verify_case("keyring-verify-rotation-dropped", "intercom", platform_ring("web"), UID, None,
                  token("previous"), error="mismatch")
    f.verify_case("keyring-verify-only-android-token-from-ios", "intercom", platforms, UID, None,
                  token("ios"), error="mismatch", only_label="android")
    f.verify_case("keyring-verify-only-web-token-from-previous", "intercom", platforms, UID,
                  None, token("previous"), error="mismatch", only_label="web")
    f.verify_case("keyring-verify-test-workspace-key-rejected", "intercom", platforms, UID, None,
                  token("test"), error="mismatch")
    f.verify_case("keyring-verify-test-workspace-key-in-ring", "intercom",
                  platform_ring("web", "test"), UID, None, token("test"), valid="test")
    shared = PLATFORM_SECRETS["web"]
    f.verify_case("keyring-verify-first-label-wins", "intercom",
                  ring(("primary", shared), ("alias", shared)), UID, None, token("web"),
                  valid="primary")
    f.verify_case("keyring-verify-first-label-wins-reversed", "intercom",
                  ring(("alias", shared), ("primary", shared)), UID, None, token("web"),
                  valid="alias")
    f.verify_case("keyring-verify-only-second-of-shared", "intercom",
                  ring(("primary", shared), ("alias", shared)), UID, None, token("web"),
                  valid="alias", only_label="alias")
    f.verify_case("keyring-verify-single-entry", "intercom", platform_ring("android"), UID, None,
                  token("android"), valid="android")
    odd_labels = ["a", "0", "x" * 64, "web.v2", "ios_2024-01", "-", "..", "_"]
    f.verify_case("keyring-verify-label-syntax-accepted", "intercom",
                  ring(*((label, demo_text_secret("label/" + label)) for label in odd_labels)),
                  UID, None, sign("intercom", demo_text_secret("label/" + "x" * 64), UID, None),
                  valid="x" * 64)
    # Timestamped and base64 keyrings.
    jimo_ring = ring(("web", demo_hex_secret("jimo-ring/web")),
                     ("previous", demo_hex_secret("jimo-ring/previous")))
    f.verify_case("keyring-verify-jimo-previous", "jimo", jimo_ring, UID, None,
                  sign("jimo", demo_hex_secret("jimo-ring/previous"), UID, None, TYPICAL_TS),
                  valid="previous", now=TYPICAL_NOW)
    f.verify_case("keyring-verify-jimo-previous-expired", "jimo", jimo_ring, UID, None,
                  sign("jimo", demo_hex_secret("jimo-ring/previous"), UID, None,
                       TYPICAL_NOW - 4000), error="expired", now=TYPICAL_NOW)
    hs_ring = platform_ring("ios", "android")
    f.verify_case("keyring-verify-helpshift-android", "helpshift", hs_ring, UID, EMAIL,
                  token("android", UID, EMAIL, "helpshift"), valid="android")
    hex_ring = ring(("current", demo_hex_secret("pylon-ring/current")),
                    ("previous", demo_hex_secret("pylon-ring/previous").upper()))
    f.verify_case("keyring-verify-pylon-uppercase-hex-entry", "pylon", hex_ring, None, EMAIL,
                  sign("pylon", demo_hex_secret("pylon-ring/previous"), None, EMAIL),
                  valid="previous")

    # Errors.
    def entry(label):
        return {"label": label, "secret": BAD_SECRET}

    f.error_case("keyring-error-empty", "keyring", "empty_keyring", scheme="intercom",
                 keyring=[])
    f.error_case("keyring-error-duplicate-label", "keyring", "duplicate_label",
                 scheme="intercom", keyring=[entry("web"), entry("ios"), entry("web")])
    for case_id, label in (
        ("keyring-error-label-empty", ""),
        ("keyring-error-label-uppercase", "iOS"),
        ("keyring-error-label-space", "web app"),
        ("keyring-error-label-65-chars", "x" * 65),
        ("keyring-error-label-slash", "web/prod"),
        ("keyring-error-label-colon", "web:prod"),
        ("keyring-error-label-non-ascii", "café"),
        ("keyring-error-label-trailing-newline", "web\n"),
        ("keyring-error-label-plus", "ios+android"),
    ):
        f.error_case(case_id, "keyring", "invalid_label", scheme="intercom",
                     keyring=[entry("web"), entry(label)])
    f.error_case("keyring-error-entry-empty-secret", "keyring", "empty_secret",
                 scheme="intercom", keyring=[entry("web"), {"label": "ios", "secret": ""}])
    f.error_case("keyring-error-entry-bad-hex", "keyring", "invalid_hex_secret", scheme="pylon",
                 keyring=[{"label": "web", "secret": "abcd"}, {"label": "ios", "secret": "abc"}])
    f.error_case("keyring-error-entry-text-secret-for-hex-scheme", "keyring",
                 "invalid_hex_secret", scheme="channel-io",
                 keyring=[{"label": "web", "secret": BAD_SECRET}])
    fake_platforms = [entry("ios"), entry("android"), entry("web")]
    f.error_case("keyring-error-verify-unknown-label", "verify", "unknown_label",
                 scheme="intercom", keyring=fake_platforms, user_id=UID, token=token("ios"),
                 only_label="desktop")
    f.error_case("keyring-error-verify-unknown-label-test-workspace", "verify", "unknown_label",
                 scheme="intercom", keyring=fake_platforms, user_id=UID, token=token("ios"),
                 only_label="test")
    f.error_case("keyring-error-verify-empty", "verify", "empty_keyring", scheme="intercom",
                 keyring=[], user_id=UID, token=token("ios"))
    f.error_case("keyring-error-verify-duplicate", "verify", "duplicate_label",
                 scheme="intercom", keyring=[entry("web"), entry("web")], user_id=UID,
                 token=token("ios"))
    return f


def errors_file():
    f = VectorFile("errors.json",
                   "Bad input: every input error code, across the scheme/secret/sign/keyring/"
                   "verify operations (rejections of a token live in the verify sections).")
    ok_ring = ring(("web", BAD_SECRET))
    ok_token = sign("intercom", BAD_SECRET, UID, None)
    jimo_ring = ring(("web", BAD_SECRET))
    jimo_token = sign("jimo", BAD_SECRET, UID, None, TYPICAL_TS)

    # unknown_scheme
    for case_id, name in (
        ("errors-unknown-scheme-empty", ""),
        ("errors-unknown-scheme-typo", "intercomm"),
        ("errors-unknown-scheme-capitalised", "Intercom"),
        ("errors-unknown-scheme-trailing-space", "intercom "),
        ("errors-unknown-scheme-underscore", "helpshift_full_privacy"),
        ("errors-unknown-scheme-dotted", "channel.io"),
        ("errors-unknown-scheme-asymmetric-jwt-vendor", "onesignal"),
        ("errors-unknown-scheme-sprinklr", "sprinklr"),
    ):
        f.error_case(case_id, "scheme", "unknown_scheme", scheme=name)
    f.error_case("errors-unknown-scheme-sign", "sign", "unknown_scheme", scheme="intercom-v2",
                 secret=BAD_SECRET, user_id=UID)
    f.error_case("errors-unknown-scheme-verify", "verify", "unknown_scheme", scheme="jwt",
                 keyring=ok_ring, user_id=UID, token=ok_token)
    # invalid_scheme
    f.error_case("errors-invalid-scheme", "scheme", "invalid_scheme",
                 scheme="subject=user_id,output=hex,output=base64")
    f.error_case("errors-invalid-scheme-whitespace", "scheme", "invalid_scheme",
                 scheme="subject=user_id,output=base64 ")
    # empty_secret
    f.error_case("errors-empty-secret-utf8", "secret", "empty_secret", scheme="intercom",
                 secret="")
    f.error_case("errors-empty-secret-hex", "secret", "empty_secret", scheme="pylon", secret="")
    f.error_case("errors-empty-secret-sign", "sign", "empty_secret", scheme="helpshift",
                 secret="", user_id=UID, email=EMAIL)
    # invalid_hex_secret (never a real-looking secret)
    for case_id, secret in (
        ("errors-invalid-hex-secret-odd-length", "abc"),
        ("errors-invalid-hex-secret-one-char", "a"),
        ("errors-invalid-hex-secret-non-hex-char", "zz"),
        ("errors-invalid-hex-secret-text", BAD_SECRET),
        ("errors-invalid-hex-secret-0x-prefix", "0x00ff"),
        ("errors-invalid-hex-secret-inner-space", "00 ff"),
        ("errors-invalid-hex-secret-trailing-newline", "00ff\n"),
        ("errors-invalid-hex-secret-colons", "00:ff"),
        ("errors-invalid-hex-secret-fullwidth-digits", "\uff10\uff10"),
        ("errors-invalid-hex-secret-arabic-indic-digits", "\u0661\u0662"),
        ("errors-invalid-hex-secret-whitespace-only", "  "),
    ):
        f.error_case(case_id, "secret", "invalid_hex_secret", scheme="channel-io", secret=secret)
    f.error_case("errors-invalid-hex-secret-custom", "secret", "invalid_hex_secret",
                 scheme="subject=email,key=hex,output=base64", secret="g0")
    f.error_case("errors-invalid-hex-secret-sign", "sign", "invalid_hex_secret", scheme="pylon",
                 secret="deadbeef0", email=EMAIL)
    # identity errors on sign, for each subject
    for case_id, scheme, user_id, email, code in (
        ("errors-unidentified-user-id", "chatwoot", None, None, "unidentified"),
        ("errors-unidentified-email", "crisp", None, None, "unidentified"),
        ("errors-unidentified-else-email", "intercom", None, None, "unidentified"),
        ("errors-unidentified-and-email", "helpshift", None, None, "unidentified"),
        ("errors-missing-field-user-id", "gleap", None, EMAIL, "missing_field"),
        ("errors-missing-field-email", "plain", UID, None, "missing_field"),
        ("errors-empty-field-user-id", "novu", "", None, "empty_field"),
        ("errors-empty-field-email", "help-scout", None, "", "empty_field"),
        ("errors-empty-field-else-email-empty-user-id", "front", "", EMAIL, "empty_field"),
        ("errors-empty-field-else-email-empty-email", "front", None, "", "empty_field"),
        ("errors-empty-field-and-email-empty-user-id", "helpshift", "", EMAIL, "empty_field"),
        ("errors-empty-field-and-email-empty-email", "helpshift", UID, "", "empty_field"),
        ("errors-empty-field-and-email-user-id-only-empty", "helpshift", "", None,
         "empty_field"),
        ("errors-too-long-user-id", "userflow", "u" * 1025, None, "identifier_too_long"),
        ("errors-too-long-email", "crisp", None, "e" * 1013 + "@example.com",
         "identifier_too_long"),
        ("errors-too-long-and-email", "helpshift", UID, "e" * 1013 + "@example.com",
         "identifier_too_long"),
    ):
        f.error_case(case_id, "sign", code, scheme=scheme, secret=BAD_SECRET, user_id=user_id,
                     email=email)
    f.error_case("errors-unidentified-timestamped", "sign", "unidentified", scheme="jimo",
                 secret=BAD_SECRET, timestamp=TYPICAL_TS)
    f.error_case("errors-empty-field-timestamped", "sign", "empty_field", scheme="chameleon",
                 secret=BAD_SECRET, user_id="", timestamp=TYPICAL_TS)
    # timestamp_not_applicable
    for scheme in ("intercom", "helpshift", "pylon"):
        f.error_case(f"errors-timestamp-not-applicable-{scheme}", "sign",
                     "timestamp_not_applicable", scheme=scheme,
                     secret="00ff" if scheme == "pylon" else BAD_SECRET, user_id=UID,
                     email=EMAIL, timestamp=TYPICAL_TS)
    f.error_case("errors-timestamp-not-applicable-zero", "sign", "timestamp_not_applicable",
                 scheme="chatwoot", secret=BAD_SECRET, user_id=UID, timestamp=0)
    # keyring errors
    f.error_case("errors-empty-keyring", "keyring", "empty_keyring", scheme="jimo", keyring=[])
    f.error_case("errors-duplicate-label", "keyring", "duplicate_label", scheme="helpshift",
                 keyring=[{"label": "ios", "secret": BAD_SECRET},
                          {"label": "ios", "secret": BAD_SECRET + "-2"}])
    f.error_case("errors-invalid-label", "keyring", "invalid_label", scheme="helpshift",
                 keyring=[{"label": "iOS", "secret": BAD_SECRET}])
    f.error_case("errors-unknown-label", "verify", "unknown_label", scheme="intercom",
                 keyring=ok_ring, user_id=UID, token=ok_token, only_label="ios")
    # identity errors on verify (the token is well-formed, so only the identity is at fault)
    for case_id, scheme, user_id, email, code, keyring, token, now in (
        ("errors-verify-unidentified", "intercom", None, None, "unidentified", ok_ring,
         ok_token, None),
        ("errors-verify-missing-field", "chatwoot", None, EMAIL, "missing_field", ok_ring,
         ok_token, None),
        ("errors-verify-missing-field-email", "help-scout", UID, None, "missing_field", ok_ring,
         ok_token, None),
        ("errors-verify-empty-field", "intercom", "", EMAIL, "empty_field", ok_ring, ok_token,
         None),
        ("errors-verify-too-long", "intercom", "u" * 1025, None, "identifier_too_long", ok_ring,
         ok_token, None),
        ("errors-verify-unidentified-timestamped", "jimo", None, None, "unidentified",
         jimo_ring, jimo_token, TYPICAL_NOW),
        ("errors-verify-too-long-timestamped", "jimo", "é" * 513, None, "identifier_too_long",
         jimo_ring, jimo_token, TYPICAL_NOW),
    ):
        f.error_case(case_id, "verify", code, scheme=scheme, keyring=keyring, user_id=user_id,
                     email=email, token=token, now=now)
    f.error_case("errors-verify-invalid-label", "verify", "invalid_label", scheme="intercom",
                 keyring=[{"label": "Web", "secret": BAD_SECRET}], user_id=UID, token=ok_token)
    f.error_case("errors-verify-bad-hex-secret", "verify", "invalid_hex_secret", scheme="pylon",
                 keyring=[{"label": "web", "secret": "xyz"}], email=EMAIL, token=ok_token)
    f.error_case("errors-verify-empty-secret", "verify", "empty_secret", scheme="intercom",
                 keyring=[{"label": "web", "secret": ""}], user_id=UID, token=ok_token)
    return f
