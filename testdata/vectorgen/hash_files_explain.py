"""explain.json: every known mistake, alone and in pairs, and tokens no mistake explains."""

import unicodedata

from .hash_model import sign
from .hash_diagnosis import forged_token
from .hash_cases import (
    EMAIL,
    OTHER_UID,
    TYPICAL_NOW,
    TYPICAL_TS,
    UID,
    UID_UUID,
    VectorFile,
    demo_hex_secret,
    demo_text_secret,
    ring,
)
from .hash_files_keyring import PLATFORM_SECRETS, platform_ring


def explain_file():
    f = VectorFile("explain.json",
                   "Diagnosis: tokens built with exactly one known mistake (or two combined), "
                   "valid tokens, and tokens no known mistake reproduces.")
    platforms = platform_ring("ios", "android", "web")
    web = PLATFORM_SECRETS["web"]
    android = PLATFORM_SECRETS["android"]
    ios = PLATFORM_SECRETS["ios"]
    hex_looking = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8"
    hex_ring = ring(("web", hex_looking))
    pylon_secret = demo_hex_secret("explain/pylon")
    channel_secret = demo_hex_secret("explain/channel-io")
    jimo_secret = demo_hex_secret("explain/jimo")
    jimo_ring = ring(("web", jimo_secret), ("ios", demo_hex_secret("explain/jimo-ios")))
    chameleon_secret = demo_text_secret("explain/chameleon")
    chameleon_ring = ring(("web", chameleon_secret))
    hs_secret = demo_text_secret("explain/helpshift")
    hs_ring = ring(("web", hs_secret), ("ios", demo_text_secret("explain/helpshift-ios")))
    text_secret = demo_text_secret("explain/text")
    text_ring = ring(("web", text_secret))
    ts, now = TYPICAL_TS, TYPICAL_NOW
    case = f.explain_case

    # --- valid tokens ---
    case("explain-valid-intercom-any-label", "intercom", platforms, UID, None,
         sign("intercom", android, UID, None), valid="android")
    case("explain-valid-intercom-expected-label", "intercom", platforms, UID, None,
         sign("intercom", ios, UID, None), valid="ios", expected_label="ios")
    case("explain-valid-helpshift", "helpshift", hs_ring, UID, EMAIL,
         sign("helpshift", hs_secret, UID, EMAIL), valid="web")
    # Helpshift's concatenation has no separator: a token made for (user id "ali", email
    # "ce@example.com") verifies for user id "alice@example.com" with no email.
    case("explain-valid-helpshift-another-split", "helpshift", hs_ring, "alice@example.com",
         None, sign("helpshift", hs_secret, "ali", "ce@example.com"), valid="web")
    case("explain-valid-jimo", "jimo", jimo_ring, UID, None,
         sign("jimo", jimo_secret, UID, None, ts), valid="web", expected_label="web", now=now)

    # --- wrong_key ---
    case("explain-wrong-key-ios-for-android", "intercom", platforms, UID, None,
         sign("intercom", ios, UID, None), causes=["wrong_key"], expected_label="android")
    case("explain-wrong-key-test-workspace", "intercom", platform_ring("web", "test"), UID,
         None, sign("intercom", PLATFORM_SECRETS["test"], UID, None), causes=["wrong_key"],
         expected_label="web")
    case("explain-wrong-key-helpshift", "helpshift", hs_ring, UID, EMAIL,
         sign("helpshift", demo_text_secret("explain/helpshift-ios"), UID, EMAIL),
         causes=["wrong_key"], expected_label="web")
    case("explain-wrong-key-jimo", "jimo", jimo_ring, UID, None,
         sign("jimo", demo_hex_secret("explain/jimo-ios"), UID, None, ts),
         causes=["wrong_key"], expected_label="web", now=now)

    # --- which identifier was hashed ---
    case("explain-email-instead-of-user-id-intercom", "intercom", platforms, UID, EMAIL,
         forged_token("intercom", web, EMAIL), causes=["email_instead_of_user_id"])
    case("explain-email-instead-of-user-id-chatwoot", "chatwoot", text_ring, UID, EMAIL,
         forged_token("chatwoot", text_secret, EMAIL), causes=["email_instead_of_user_id"])
    case("explain-email-instead-of-user-id-jimo", "jimo", jimo_ring, UID, EMAIL,
         forged_token("jimo", jimo_secret, EMAIL, ts), causes=["email_instead_of_user_id"],
         expected_label="web", now=now)
    case("explain-email-instead-of-user-id-helpshift-full-privacy", "helpshift-full-privacy",
         hs_ring, UID, EMAIL, forged_token("helpshift-full-privacy", hs_secret, EMAIL),
         causes=["email_instead_of_user_id"])
    case("explain-user-id-instead-of-email-help-scout", "help-scout", text_ring, UID, EMAIL,
         forged_token("help-scout", text_secret, UID), causes=["user_id_instead_of_email"])
    case("explain-user-id-instead-of-email-pylon", "pylon", ring(("web", pylon_secret)), UID,
         EMAIL, forged_token("pylon", bytes.fromhex(pylon_secret), UID),
         causes=["user_id_instead_of_email"])
    case("explain-concatenation-missing-user-id-only", "helpshift", hs_ring, UID, EMAIL,
         forged_token("helpshift", hs_secret, UID), causes=["concatenation_missing"])
    case("explain-concatenation-missing-email-only", "helpshift", hs_ring, UID, EMAIL,
         forged_token("helpshift", hs_secret, EMAIL), causes=["concatenation_missing"])
    case("explain-concatenation-missing-custom-hex", "subject=user_id_and_email", text_ring,
         UID_UUID, EMAIL, forged_token("subject=user_id_and_email", text_secret, UID_UUID),
         causes=["concatenation_missing"])
    case("explain-unexpected-concatenation-intercom", "intercom", platforms, UID, EMAIL,
         forged_token("intercom", web, UID + EMAIL), causes=["unexpected_concatenation"])
    case("explain-unexpected-concatenation-help-scout", "help-scout", text_ring, UID, EMAIL,
         forged_token("help-scout", text_secret, UID + EMAIL),
         causes=["unexpected_concatenation"])
    case("explain-unexpected-concatenation-helpshift-full-privacy", "helpshift-full-privacy",
         hs_ring, UID, EMAIL, forged_token("helpshift-full-privacy", hs_secret, UID + EMAIL),
         causes=["unexpected_concatenation"])
    case("explain-fields-swapped-helpshift", "helpshift", hs_ring, UID, EMAIL,
         forged_token("helpshift", hs_secret, EMAIL + UID), causes=["fields_swapped"])

    # --- identifier bytes ---
    case("explain-surrounding-whitespace-stripped-user-id", "intercom", platforms, " 42 ", None,
         forged_token("intercom", web, "42"), causes=["surrounding_whitespace"])
    case("explain-surrounding-whitespace-newline-added-email", "crisp", text_ring, None, EMAIL,
         forged_token("crisp", text_secret, EMAIL + "\n"), causes=["surrounding_whitespace"])
    case("explain-surrounding-whitespace-tab-jimo", "jimo", jimo_ring, "\tid-7\t", None,
         forged_token("jimo", jimo_secret, "id-7", ts), causes=["surrounding_whitespace"],
         expected_label="web", now=now)
    case("explain-email-case-crisp", "crisp", text_ring, None, "Ada.Lovelace@Example.COM",
         forged_token("crisp", text_secret, "ada.lovelace@example.com"), causes=["email_case"])
    case("explain-email-case-intercom-email-only", "intercom", platforms, None,
         "Ada@Example.com", forged_token("intercom", android, "ada@example.com"),
         causes=["email_case"])
    case("explain-email-case-helpshift", "helpshift", hs_ring, UID, "Ada@Example.com",
         forged_token("helpshift", hs_secret, UID + "ada@example.com"), causes=["email_case"])
    jose_nfc = unicodedata.normalize("NFC", "José")
    jose_nfd = unicodedata.normalize("NFD", "José")
    assert jose_nfc != jose_nfd
    case("explain-unicode-normalization-nfd-sent-nfc-hashed", "intercom", platforms,
         "user-" + jose_nfd, None, forged_token("intercom", web, "user-" + jose_nfc),
         causes=["unicode_normalization"])
    case("explain-unicode-normalization-nfc-sent-nfd-hashed", "plain", text_ring, None,
         "zoë@example.com", forged_token("plain", text_secret,
                                         unicodedata.normalize("NFD", "zoë@example.com")),
         causes=["unicode_normalization"])
    hangul = unicodedata.normalize("NFC", "한국-user")
    case("explain-unicode-normalization-hangul-helpshift", "helpshift", hs_ring, hangul, EMAIL,
         forged_token("helpshift", hs_secret, unicodedata.normalize("NFD", hangul) + EMAIL),
         causes=["unicode_normalization"])
    case("explain-numeric-id-format-gleap", "gleap", text_ring, "42", None,
         forged_token("gleap", text_secret, "42.0"), causes=["numeric_id_format"])
    case("explain-numeric-id-format-reverse-intercom", "intercom", platforms, "1001.0", None,
         forged_token("intercom", web, "1001"), causes=["numeric_id_format"])
    case("explain-text-encoding-latin1", "intercom", platforms, "user-" + jose_nfc, None,
         forged_token("intercom", web, ("user-" + jose_nfc).encode("latin-1")),
         causes=["text_encoding"])
    case("explain-text-encoding-ascii-question-marks", "chatwoot", text_ring, "Zoë-🦀", None,
         forged_token("chatwoot", text_secret, b"Zo?-?"), causes=["text_encoding"])
    case("explain-text-encoding-latin1-email", "crisp", text_ring, None, "zoë@example.com",
         forged_token("crisp", text_secret, "zoë@example.com".encode("latin-1")),
         causes=["text_encoding"])

    # --- the key ---
    case("explain-secret-hex-decoded-intercom", "intercom", hex_ring, UID, None,
         forged_token("intercom", bytes.fromhex(hex_looking), UID),
         causes=["secret_hex_decoded"])
    case("explain-secret-hex-decoded-jimo", "jimo", ring(("web", hex_looking)), "id-c5c178f6",
         None, forged_token("jimo", bytes.fromhex(hex_looking), "id-c5c178f6", 1741761604),
         causes=["secret_hex_decoded"], now=1741761700)
    case("explain-secret-used-as-text-pylon", "pylon", ring(("web", pylon_secret)), None, EMAIL,
         forged_token("pylon", pylon_secret, EMAIL), causes=["secret_used_as_text"])
    case("explain-secret-used-as-text-channel-io", "channel-io", ring(("web", channel_secret)),
         UID, None, forged_token("channel-io", channel_secret, UID),
         causes=["secret_used_as_text"])
    case("explain-key-message-swapped-intercom", "intercom", platforms, UID, None,
         forged_token("intercom", web, UID, swapped=True), causes=["key_message_swapped"])
    case("explain-key-message-swapped-helpshift", "helpshift", hs_ring, UID, EMAIL,
         forged_token("helpshift", hs_secret, UID + EMAIL, swapped=True),
         causes=["key_message_swapped"])
    case("explain-key-message-swapped-jimo", "jimo", jimo_ring, UID, None,
         forged_token("jimo", jimo_secret, UID, ts, swapped=True),
         causes=["key_message_swapped"], expected_label="web", now=now)

    # --- the output encoding ---
    case("explain-uppercase-hex-intercom", "intercom", platforms, UID, None,
         sign("intercom", web, UID, None).upper(), causes=["uppercase_hex"])
    case("explain-uppercase-hex-jimo", "jimo", jimo_ring, UID, None,
         forged_token("jimo", jimo_secret, UID, ts, uppercase=True), causes=["uppercase_hex"],
         expected_label="web", now=now)
    case("explain-base64-instead-of-hex-intercom", "intercom", platforms, UID, None,
         forged_token("intercom", web, UID, output="base64"), causes=["base64_instead_of_hex"])
    case("explain-base64-instead-of-hex-front", "front", text_ring, None, EMAIL,
         forged_token("front", text_secret, EMAIL, output="base64"),
         causes=["base64_instead_of_hex"])
    case("explain-hex-instead-of-base64-helpshift", "helpshift", hs_ring, UID, EMAIL,
         forged_token("helpshift", hs_secret, UID + EMAIL, output="hex"),
         causes=["hex_instead_of_base64"])
    case("explain-hex-instead-of-base64-full-privacy", "helpshift-full-privacy", hs_ring, UID,
         None, forged_token("helpshift-full-privacy", hs_secret, UID, output="hex"),
         causes=["hex_instead_of_base64"])

    # --- timestamps ---
    case("explain-stale-timestamp-jimo", "jimo", jimo_ring, UID, None,
         sign("jimo", jimo_secret, UID, None, now - 86400), causes=["stale_timestamp"],
         expected_label="web", now=now)
    case("explain-stale-timestamp-chameleon", "chameleon", chameleon_ring, UID, None,
         sign("chameleon", chameleon_secret, UID, None, now - 3601), causes=["stale_timestamp"],
         now=now)
    case("explain-future-timestamp-jimo", "jimo", jimo_ring, UID, None,
         sign("jimo", jimo_secret, UID, None, now + 7200), causes=["future_timestamp"],
         expected_label="web", now=now)
    case("explain-future-timestamp-chameleon", "chameleon", chameleon_ring, UID, None,
         sign("chameleon", chameleon_secret, UID, None, now + 301), causes=["future_timestamp"],
         now=now)
    case("explain-milliseconds-timestamp-jimo", "jimo", jimo_ring, UID, None,
         sign("jimo", jimo_secret, UID, None, ts * 1000), causes=["milliseconds_timestamp"],
         expected_label="web", now=now)
    case("explain-milliseconds-timestamp-chameleon", "chameleon", chameleon_ring, UID, None,
         sign("chameleon", chameleon_secret, UID, None, ts * 1000 + 999),
         causes=["milliseconds_timestamp"], now=now)
    case("explain-timestamp-missing-jimo", "jimo", jimo_ring, UID, None,
         forged_token("jimo", jimo_secret, UID), causes=["timestamp_missing"],
         expected_label="web", now=now)
    case("explain-timestamp-missing-chameleon", "chameleon", chameleon_ring, UID_UUID, None,
         forged_token("chameleon", chameleon_secret, UID_UUID), causes=["timestamp_missing"],
         now=now)

    # --- two mistakes combined: `first` is null, both are in `includes` ---
    case("explain-combo-wrong-key-uppercase-hex", "intercom", platforms, UID, None,
         sign("intercom", ios, UID, None).upper(), causes=["wrong_key", "uppercase_hex"],
         expected_label="web")
    case("explain-combo-wrong-key-email-instead-of-user-id", "intercom", platforms, UID, EMAIL,
         forged_token("intercom", android, EMAIL),
         causes=["wrong_key", "email_instead_of_user_id"], expected_label="ios")
    case("explain-combo-wrong-key-stale-timestamp", "jimo", jimo_ring, UID, None,
         sign("jimo", demo_hex_secret("explain/jimo-ios"), UID, None, now - 7200),
         causes=["wrong_key", "stale_timestamp"], expected_label="web", now=now)
    case("explain-combo-email-case-uppercase-hex", "crisp", text_ring, None, "Ada@Example.com",
         forged_token("crisp", text_secret, "ada@example.com", uppercase=True),
         causes=["email_case", "uppercase_hex"])
    case("explain-combo-secret-used-as-text-base64", "pylon", ring(("web", pylon_secret)), None,
         EMAIL, forged_token("pylon", pylon_secret, EMAIL, output="base64"),
         causes=["secret_used_as_text", "base64_instead_of_hex"])
    case("explain-combo-uppercase-hex-milliseconds", "chameleon", chameleon_ring, UID, None,
         forged_token("chameleon", chameleon_secret, UID, ts * 1000, uppercase=True),
         causes=["uppercase_hex", "milliseconds_timestamp"], now=now)

    # --- no known mistake reproduces the token ---
    case("explain-unknown-key", "intercom", platforms, UID, None,
         sign("intercom", demo_text_secret("explain/unrelated"), UID, None))
    case("explain-unknown-key-with-expected-label", "helpshift", hs_ring, UID, EMAIL,
         sign("helpshift", demo_text_secret("explain/unrelated"), UID, EMAIL),
         expected_label="web")
    case("explain-zero-mac", "intercom", platforms, UID, None, "0" * 64)
    case("explain-other-user", "intercom", platforms, UID, None,
         sign("intercom", web, OTHER_UID, None))
    case("explain-unknown-key-jimo", "jimo", jimo_ring, UID, None,
         sign("jimo", demo_hex_secret("explain/unrelated"), UID, None, ts), now=now)
    return f
