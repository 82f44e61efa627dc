"""The files of the presets, the known answers and the custom schemes."""

import base64

from .hash_model import (
    BASE64_ALPHABET,
    PRESETS,
    SCHEME_OPTIONS,
    U64_MAX,
    hmac_sha256,
    make_key,
    render_token,
    sign,
    with_timestamp,
)
from .hash_cases import (
    BAD_SECRET,
    COMPUTED,
    EMAIL,
    FAKE_HEX_SECRET,
    OTHER_EMAIL,
    OTHER_UID,
    PRESET_ABOUT,
    SOURCE_JIMO,
    SOURCE_SECRET_MESSAGE,
    TYPICAL_NOW,
    TYPICAL_TS,
    UID,
    UID_UUID,
    VectorFile,
    demo_hex_secret,
    demo_text_secret,
    ring,
    secret_for,
)


def preset_file(name):
    """The same battery for every preset, shaped by its subject/key/output/timestamp."""
    scheme = PRESETS[name]
    f = VectorFile(f"{name}.json", f"Preset `{name}`. {PRESET_ABOUT[name]}")
    current = secret_for(name, "current")
    previous = secret_for(name, "previous")
    keyring = ring(("current", current), ("previous", previous))
    stamped = scheme.timestamp == "suffix"
    ts = TYPICAL_TS if stamped else None
    now = TYPICAL_NOW if stamped else None
    takes_user_id = scheme.subject != "email"
    takes_email = scheme.subject != "user_id"

    # ---- sign ----
    if takes_user_id:
        f.sign_case(f"{name}-sign-user-id-numeric", name, current, UID, None, ts)
        f.sign_case(f"{name}-sign-user-id-uuid", name, current, UID_UUID, None, ts)
        f.sign_case(f"{name}-sign-user-id-previous-secret", name, previous, UID, None, ts)
    if takes_email:
        f.sign_case(f"{name}-sign-email-only", name, current, None, EMAIL, ts)
        f.sign_case(f"{name}-sign-email-only-previous-secret", name, previous, None, EMAIL, ts)
    both = f.sign_case(f"{name}-sign-both-fields", name, current, UID, EMAIL, ts)
    if scheme.subject in ("user_id", "user_id_else_email"):
        # the email is ignored when a user_id is present
        assert both == sign(name, current, UID, None, ts)
    if scheme.subject == "email":
        assert both == sign(name, current, None, EMAIL, ts)
    if scheme.subject == "user_id_and_email":
        # user_id then email, no separator
        concatenated = with_timestamp((UID + EMAIL).encode("utf-8"), ts)
        mac = hmac_sha256(make_key(scheme, current), concatenated)
        assert both == render_token(scheme, mac, ts)
    if scheme.key == "hex":
        f.sign_case(f"{name}-sign-uppercase-hex-secret", name, current.upper(),
                    UID if takes_user_id else None, None if takes_user_id else EMAIL, ts,
                    expected=sign(name, current, UID if takes_user_id else None,
                                  None if takes_user_id else EMAIL, ts))
    if stamped:
        for t in (0, 1, 1_000_000_000, U64_MAX):
            f.sign_case(f"{name}-sign-user-id-ts-{t}", name, current, UID, None, t)

    # ---- verify ----
    uid, mail = (UID, None) if takes_user_id else (None, EMAIL)
    other_uid, other_mail = (OTHER_UID, None) if takes_user_id else (None, OTHER_EMAIL)
    good = sign(name, current, uid, mail, ts)
    good_previous = sign(name, previous, uid, mail, ts)
    f.verify_case(f"{name}-verify-current", name, keyring, uid, mail, good,
                  valid="current", now=now)
    f.verify_case(f"{name}-verify-previous-after-rotation", name, keyring, uid, mail,
                  good_previous, valid="previous", now=now)
    f.verify_case(f"{name}-verify-both-fields", name, keyring, UID, EMAIL,
                  sign(name, current, UID, EMAIL, ts), valid="current", now=now)
    if scheme.subject in ("user_id", "user_id_else_email"):
        f.verify_case(f"{name}-verify-both-sent-token-over-user-id", name, keyring, UID, EMAIL,
                      sign(name, current, UID, None, ts), valid="current", now=now)
    if scheme.subject == "user_id_else_email":
        f.verify_case(f"{name}-verify-email-only", name, keyring, None, EMAIL,
                      sign(name, current, None, EMAIL, ts), valid="current", now=now)
        # Intercom: "If both user_id and email are sent, a hash over the email fails"
        f.verify_case(f"{name}-verify-both-sent-token-over-email", name, keyring, UID, EMAIL,
                      sign(name, current, None, EMAIL, ts), error="mismatch", now=now)
    if scheme.subject == "user_id_and_email":
        f.verify_case(f"{name}-verify-email-only", name, keyring, None, EMAIL,
                      sign(name, current, None, EMAIL, ts), valid="current", now=now)
        f.verify_case(f"{name}-verify-both-sent-token-over-user-id-only", name, keyring, UID,
                      EMAIL, sign(name, current, UID, None, ts), error="mismatch", now=now)
    f.verify_case(f"{name}-verify-other-user", name, keyring, other_uid, other_mail, good,
                  error="mismatch", now=now)
    f.verify_case(f"{name}-verify-unknown-secret", name, keyring, uid, mail,
                  sign(name, secret_for(name, "unknown"), uid, mail, ts),
                  error="mismatch", now=now)
    mac_part = good.partition("-")[0]  # tokens without a timestamp contain no '-'
    suffix = f"-{ts}" if stamped else ""
    if scheme.output == "hex":
        f.verify_case(f"{name}-verify-uppercase-hex-token", name, keyring, uid, mail,
                      mac_part.upper() + suffix, error="malformed_token", now=now)
        f.verify_case(f"{name}-verify-truncated-token", name, keyring, uid, mail,
                      mac_part[:63] + suffix, error="malformed_token", now=now)
    else:
        raw = base64.b64decode(mac_part)
        f.verify_case(f"{name}-verify-hex-token-for-base64", name, keyring, uid, mail,
                      raw.hex() + suffix, error="malformed_token", now=now)
        f.verify_case(f"{name}-verify-unpadded-base64-token", name, keyring, uid, mail,
                      mac_part.rstrip("=") + suffix, error="malformed_token", now=now)
    f.verify_case(f"{name}-verify-empty-token", name, keyring, uid, mail, "",
                  error="malformed_token", now=now)
    if stamped:
        f.verify_case(f"{name}-verify-expired", name, keyring, uid, mail,
                      sign(name, current, uid, mail, TYPICAL_NOW - 3601),
                      error="expired", now=now)
        f.verify_case(f"{name}-verify-from-the-future", name, keyring, uid, mail,
                      sign(name, current, uid, mail, TYPICAL_NOW + 301),
                      error="from_the_future", now=now)
        f.verify_case(f"{name}-verify-milliseconds", name, keyring, uid, mail,
                      sign(name, current, uid, mail, TYPICAL_TS * 1000),
                      error="from_the_future", now=now)
        f.verify_case(f"{name}-verify-missing-timestamp", name, keyring, uid, mail,
                      mac_part, error="missing_timestamp", now=now)
        f.verify_case(f"{name}-verify-timestamp-changed", name, keyring, uid, mail,
                      f"{mac_part}-{TYPICAL_TS + 1}", error="mismatch", now=now)

    # ---- errors (placeholder secrets only) ----
    current = FAKE_HEX_SECRET if scheme.key == "hex" else BAD_SECRET
    f.error_case(f"{name}-error-sign-unidentified", "sign", "unidentified",
                 scheme=name, secret=current)
    if scheme.subject == "user_id":
        f.error_case(f"{name}-error-sign-email-without-user-id", "sign", "missing_field",
                     scheme=name, secret=current, email=EMAIL, timestamp=ts)
    if scheme.subject == "email":
        f.error_case(f"{name}-error-sign-user-id-without-email", "sign", "missing_field",
                     scheme=name, secret=current, user_id=UID)
    if takes_user_id:
        f.error_case(f"{name}-error-sign-empty-user-id", "sign", "empty_field",
                     scheme=name, secret=current, user_id="", email=EMAIL, timestamp=ts)
    else:
        f.error_case(f"{name}-error-sign-empty-email", "sign", "empty_field",
                     scheme=name, secret=current, user_id=UID, email="")
    if not stamped:
        f.error_case(f"{name}-error-sign-timestamp-not-applicable", "sign",
                     "timestamp_not_applicable", scheme=name, secret=current, user_id=uid,
                     email=mail, timestamp=TYPICAL_TS)
    f.error_case(f"{name}-error-secret-empty", "secret", "empty_secret", scheme=name, secret="")
    if scheme.key == "hex":
        f.error_case(f"{name}-error-secret-odd-length-hex", "secret", "invalid_hex_secret",
                     scheme=name, secret="abc")
        f.error_case(f"{name}-error-secret-not-hex", "secret", "invalid_hex_secret",
                     scheme=name, secret=BAD_SECRET)
    f.error_case(f"{name}-error-verify-unidentified", "verify", "unidentified",
                 scheme=name, keyring=ring(("current", current)), token=good, now=now)
    return f


def known_answers_file():
    f = VectorFile("known-answers.json",
                   "Known answers from published sources (VENDORS.md, RFC 4231) and their "
                   "equivalents under other schemes, each asserted by the generator.")
    known = "aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597"
    # HMAC-SHA256("secret", "Message") through every plain-hex preset that can carry it.
    f.sign_case("known-secret-message-intercom", "intercom", "secret", "Message",
                source=SOURCE_SECRET_MESSAGE, expected=known)
    f.sign_case("known-secret-message-intercom-email", "intercom", "secret", None, "Message",
                source=SOURCE_SECRET_MESSAGE, expected=known)
    f.sign_case("known-secret-message-help-scout", "help-scout", "secret", None, "Message",
                source=SOURCE_SECRET_MESSAGE, expected=known)
    f.sign_case("known-secret-message-chatwoot", "chatwoot", "secret", "Message",
                source=SOURCE_SECRET_MESSAGE, expected=known)
    f.sign_case("known-secret-message-helpshift-concatenated", "helpshift", "secret",
                "Mess", "age", source=COMPUTED,
                expected=base64.b64encode(bytes.fromhex(known)).decode())
    f.sign_case("known-secret-message-helpshift-base64", "helpshift", "secret", "Message",
                source=COMPUTED, expected=base64.b64encode(bytes.fromhex(known)).decode())
    # "secret" as hex is 736563726574: a hex-key scheme with that secret is the same key.
    f.sign_case("known-secret-message-pylon-hex-key", "pylon", "736563726574", None, "Message",
                source=COMPUTED, expected=known)
    f.sign_case("known-secret-message-channel-io-uppercase-hex-key", "channel-io",
                "736563726574".upper(), "Message", source=COMPUTED, expected=known)
    f.verify_case("known-secret-message-verify", "intercom", ring(("web", "secret")),
                  "Message", None, known, valid="web", source=SOURCE_SECRET_MESSAGE)

    # Jimo's worked example: a hex-looking secret used as TEXT.
    jimo_secret = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8"
    jimo_token = "6a403a1fcfcc866b8917e6e208a553004c54c73846bc4f3f686757e2a5ad588e-1741761604"
    f.sign_case("known-jimo-worked-example", "jimo", jimo_secret, "id-c5c178f6", None,
                1741761604, source=SOURCE_JIMO, expected=jimo_token)
    f.sign_case("known-jimo-worked-example-as-custom-spec", "subject=user_id,timestamp=suffix",
                jimo_secret, "id-c5c178f6", None, 1741761604, source=SOURCE_JIMO,
                expected=jimo_token)
    f.sign_case("known-jimo-worked-example-as-chameleon", "chameleon", jimo_secret,
                "id-c5c178f6", None, 1741761604, source=SOURCE_JIMO, expected=jimo_token)
    f.verify_case("known-jimo-worked-example-verify", "jimo", ring(("web", jimo_secret)),
                  "id-c5c178f6", None, jimo_token, valid="web", now=1741761700,
                  source=SOURCE_JIMO)
    f.verify_case("known-jimo-worked-example-verify-hex-decoded-secret-fails",
                  "subject=user_id,key=hex,timestamp=suffix", ring(("web", jimo_secret)),
                  "id-c5c178f6", None, jimo_token, error="mismatch", now=1741761700,
                  source=SOURCE_JIMO)

    # RFC 4231 HMAC-SHA256 test cases whose data is valid UTF-8.
    rfc = "RFC 4231 HMAC-SHA256 test case {}"
    f.sign_case("known-rfc4231-case-1", "subject=user_id,key=hex", "0b" * 20, "Hi There",
                source=rfc.format(1),
                expected="b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    f.sign_case("known-rfc4231-case-2", "intercom", "Jefe", "what do ya want for nothing?",
                source=rfc.format(2),
                expected="5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    f.sign_case("known-rfc4231-case-2-hex-key", "subject=email,key=hex", "4a656665", None,
                "what do ya want for nothing?", source=rfc.format(2),
                expected="5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    f.sign_case("known-rfc4231-case-6", "subject=user_id,key=hex", "aa" * 131,
                "Test Using Larger Than Block-Size Key - Hash Key First", source=rfc.format(6),
                expected="60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    f.sign_case("known-rfc4231-case-7", "subject=user_id,key=hex", "AA" * 131,
                "This is a test using a larger than block-size key and a larger than "
                "block-size data. The key needs to be hashed before being used by the "
                "HMAC algorithm.", source=rfc.format(7),
                expected="9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    f.verify_case("known-rfc4231-case-1-verify", "subject=user_id,key=hex",
                  ring(("rfc", "0b" * 20)), "Hi There", None,
                  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                  valid="rfc", source=rfc.format(1))
    return f


def custom_file():
    f = VectorFile("custom.json",
                   "Custom schemes from a one-line spec: every subject/key/output/timestamp "
                   "combination, defaults, key order, equivalence with presets, and spec "
                   "parsing errors.")
    text_secret = demo_text_secret("custom/text")
    hex_secret = demo_hex_secret("custom/hex")
    # Every combination, with both fields present (and one field for the concatenation).
    for subject in SCHEME_OPTIONS["subject"]:
        for key in SCHEME_OPTIONS["key"]:
            for output in SCHEME_OPTIONS["output"]:
                for timestamp in SCHEME_OPTIONS["timestamp"]:
                    spec = f"subject={subject},key={key},output={output},timestamp={timestamp}"
                    secret = hex_secret if key == "hex" else text_secret
                    ts = TYPICAL_TS if timestamp == "suffix" else None
                    slug = f"{subject}-{key}-{output}-{timestamp}".replace("_", "-")
                    f.sign_case(f"custom-sign-{slug}", spec, secret, UID, EMAIL, ts)
    # Each subject on partial identities.
    f.sign_case("custom-sign-and-user-id-only", "subject=user_id_and_email", text_secret,
                UID, None, expected=sign("subject=user_id", text_secret, UID, None))
    f.sign_case("custom-sign-and-email-only", "subject=user_id_and_email", text_secret,
                None, EMAIL, expected=sign("subject=email", text_secret, None, EMAIL))
    f.sign_case("custom-sign-and-both-equals-concatenation", "subject=user_id_and_email",
                text_secret, UID, EMAIL,
                expected=sign("subject=user_id", text_secret, UID + EMAIL, None))
    f.sign_case("custom-sign-else-email-only", "subject=user_id_else_email", text_secret,
                None, EMAIL, expected=sign("subject=email", text_secret, None, EMAIL))
    f.sign_case("custom-sign-user-id-ignores-email", "subject=user_id", text_secret, UID,
                "", expected=sign("subject=user_id", text_secret, UID, None))
    f.sign_case("custom-sign-email-ignores-user-id", "subject=email", text_secret, "",
                EMAIL, expected=sign("subject=email", text_secret, None, EMAIL))
    # Defaults and ordering: these equal presets.
    f.sign_case("custom-sign-defaults-equal-chatwoot", "subject=user_id", text_secret, UID,
                expected=sign("chatwoot", text_secret, UID, None))
    f.sign_case("custom-sign-explicit-defaults-equal-chatwoot",
                "subject=user_id,key=utf8,output=hex,timestamp=none", text_secret, UID,
                expected=sign("chatwoot", text_secret, UID, None))
    f.sign_case("custom-sign-key-order-irrelevant", "output=base64,subject=user_id_and_email",
                text_secret, UID, EMAIL, expected=sign("helpshift", text_secret, UID, EMAIL))
    f.sign_case("custom-sign-timestamp-first", "timestamp=suffix,subject=user_id", text_secret,
                UID, None, TYPICAL_TS, expected=sign("jimo", text_secret, UID, None, TYPICAL_TS))
    f.sign_case("custom-sign-equals-pylon", "key=hex,subject=email", hex_secret, None, EMAIL,
                expected=sign("pylon", hex_secret, None, EMAIL))

    # Verify on custom schemes: base64 + suffix splits at the last '-'.
    b64ts = "subject=user_id,output=base64,timestamp=suffix"
    keyring = ring(("current", text_secret))
    token = sign(b64ts, text_secret, UID, None, TYPICAL_TS)
    f.verify_case("custom-verify-base64-suffix", b64ts, keyring, UID, None, token,
                  valid="current", now=TYPICAL_NOW)
    f.verify_case("custom-verify-base64-suffix-user-id-with-dashes", b64ts, keyring, UID_UUID,
                  None, sign(b64ts, text_secret, UID_UUID, None, TYPICAL_TS),
                  valid="current", now=TYPICAL_NOW)
    mac_text = token.rpartition("-")[0]
    f.verify_case("custom-verify-base64-suffix-missing-timestamp", b64ts, keyring, UID, None,
                  mac_text, error="missing_timestamp", now=TYPICAL_NOW)
    f.verify_case("custom-verify-base64-suffix-expired", b64ts, keyring, UID, None,
                  sign(b64ts, text_secret, UID, None, TYPICAL_NOW - 7200),
                  error="expired", now=TYPICAL_NOW)
    plain_b64 = "subject=user_id,output=base64"
    good = sign(plain_b64, text_secret, UID, None)
    f.verify_case("custom-verify-base64", plain_b64, keyring, UID, None, good, valid="current")
    # A non-canonical base64 token decodes to the same bytes in lenient decoders.
    last = BASE64_ALPHABET.index(good[42])
    non_canonical = good[:42] + BASE64_ALPHABET[last | 1] + "="
    assert base64.b64decode(non_canonical) == base64.b64decode(good)
    f.verify_case("custom-verify-base64-non-canonical", plain_b64, keyring, UID, None,
                  non_canonical, error="malformed_token")
    f.verify_case("custom-verify-base64-double-padding", plain_b64, keyring, UID, None,
                  good + "=", error="malformed_token")
    for i in range(1, 200):  # find a deterministic identity whose token has '+' or '/'
        candidate_uid = f"user-with-urlsafe-chars-{i}"
        urlsafe = sign(plain_b64, text_secret, candidate_uid, None)
        if "+" in urlsafe or "/" in urlsafe:
            break
    else:
        raise AssertionError("no token with '+' or '/' found")
    f.verify_case("custom-verify-base64-standard-alphabet", plain_b64, keyring, candidate_uid,
                  None, urlsafe, valid="current")
    f.verify_case("custom-verify-base64-urlsafe-alphabet", plain_b64, keyring, candidate_uid,
                  None, urlsafe.replace("+", "-").replace("/", "_"), error="malformed_token")
    f.verify_case("custom-verify-base64-whitespace", plain_b64, keyring, UID, None,
                  good[:20] + "\n" + good[20:], error="malformed_token")
    hexkey = "subject=user_id_and_email,key=hex"
    f.verify_case("custom-verify-hex-key-both", hexkey, ring(("current", hex_secret)), UID,
                  EMAIL, sign(hexkey, hex_secret, UID, EMAIL), valid="current")
    f.verify_case("custom-verify-hex-key-uppercase-secret-in-keyring", hexkey,
                  ring(("current", hex_secret.upper())), UID, EMAIL,
                  sign(hexkey, hex_secret, UID, EMAIL), valid="current")

    # Spec parsing.
    for case_id, spec, code in (
        ("custom-error-missing-subject", "key=hex,output=base64", "invalid_scheme"),
        ("custom-error-unknown-key", "subject=user_id,encoding=hex", "invalid_scheme"),
        ("custom-error-unknown-subject-value", "subject=username", "invalid_scheme"),
        ("custom-error-unknown-key-value", "subject=user_id,key=base64", "invalid_scheme"),
        ("custom-error-unknown-output-value", "subject=user_id,output=HEX", "invalid_scheme"),
        ("custom-error-unknown-timestamp-value", "subject=user_id,timestamp=prefix",
         "invalid_scheme"),
        ("custom-error-duplicate-key", "subject=user_id,subject=email", "invalid_scheme"),
        ("custom-error-duplicate-key-same-value", "subject=user_id,key=hex,key=hex",
         "invalid_scheme"),
        ("custom-error-uppercase-key", "Subject=user_id", "invalid_scheme"),
        ("custom-error-empty-value", "subject=", "invalid_scheme"),
        ("custom-error-empty-item", "subject=user_id,,key=hex", "invalid_scheme"),
        ("custom-error-trailing-comma", "subject=user_id,", "invalid_scheme"),
        ("custom-error-item-without-equals", "subject=user_id,hex", "invalid_scheme"),
        ("custom-error-value-with-equals", "subject=user_id=email", "invalid_scheme"),
        ("custom-error-only-equals", "=", "invalid_scheme"),
        ("custom-error-spec-without-equals-is-a-name", "subject", "unknown_scheme"),
    ):
        f.error_case(case_id, "scheme", code, scheme=spec)
    f.error_case("custom-error-sign-invalid-spec", "sign", "invalid_scheme",
                 scheme="subject=user_id,output=base32", secret=BAD_SECRET, user_id=UID)
    f.error_case("custom-error-sign-hex-key-bad-secret", "sign", "invalid_hex_secret",
                 scheme="subject=user_id,key=hex", secret="0x1234", user_id=UID)
    f.error_case("custom-error-sign-timestamp-none", "sign", "timestamp_not_applicable",
                 scheme="subject=user_id,timestamp=none", secret=BAD_SECRET, user_id=UID,
                 timestamp=TYPICAL_TS)
    return f
