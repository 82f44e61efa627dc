"""unicode.json, limits.json, freshness.json and gate.json: identifiers, sizes, time and the
rollout gate."""

import base64
import hashlib
import unicodedata

from .hash_model import (
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_FUTURE_SKEW,
    ENFORCEMENTS,
    MAX_AGE_CEILING,
    MAX_FUTURE_SKEW_CEILING,
    U64_MAX,
    sign,
)
from .hash_cases import (
    BAD_SECRET,
    EMAIL,
    OTHER_UID,
    TYPICAL_NOW,
    TYPICAL_TS,
    UID,
    VectorFile,
    demo_hex_secret,
    demo_text_secret,
    ring,
)
from .hash_files_keyring import PLATFORM_SECRETS, platform_ring


def unicode_file():
    f = VectorFile("unicode.json",
                   "Non-ASCII identifiers and secrets: the message is the exact UTF-8 of the "
                   "identifier, never trimmed, case-folded or normalised.")
    secret = demo_text_secret("unicode")
    keyring = ring(("web", secret))
    nfc = unicodedata.normalize("NFC", "José Müller")
    nfd = unicodedata.normalize("NFD", "José Müller")
    assert nfc != nfd and nfc.encode() != nfd.encode()
    email_nfc = unicodedata.normalize("NFC", "zoë.dupré@exemple.fr")
    email_nfd = unicodedata.normalize("NFD", "zoë.dupré@exemple.fr")
    hangul_nfc = unicodedata.normalize("NFC", "김민준")
    hangul_nfd = unicodedata.normalize("NFD", "김민준")
    identifiers = [
        ("accents-nfc", nfc),
        ("accents-nfd", nfd),
        ("hangul-nfc", hangul_nfc),
        ("hangul-nfd", hangul_nfd),
        ("cjk", "山田太郎"),
        ("cjk-mixed", "user-李小龍-2024"),
        ("emoji-astral", "🦀"),
        ("emoji-zwj-family", "👨\u200d👩\u200d👧"),
        ("emoji-flag", "🇫🇷-user"),
        ("arabic-rtl", "مريم"),
        ("hebrew-rtl-mixed", "user-שלום-7"),
        ("cyrillic", "Дмитрий"),
        ("greek-final-sigma", "ΟΔΥΣΣΕΥΣ"),
        ("ligature-not-nfkc", "ﬁnance"),
        ("turkish-dotted-i", "İstanbul"),
        ("sharp-s", "straße"),
        ("combining-only-mark", "a\u0301\u0301"),
        ("nbsp-inside", "a\u00a0b"),
        ("bom-prefix", "\ufeffuser"),
        ("nul-inside", "a\u0000b"),
        ("leading-trailing-space", " 42 "),
        ("trailing-newline", "42\n"),
        ("tab-inside", "first\tlast"),
        ("supplementary-cjk", "𠮷野家"),
        ("math-bold", "𝐀𝐝𝐚"),
    ]
    for slug, value in identifiers:
        f.sign_case(f"unicode-sign-intercom-{slug}", "intercom", secret, value)
    f.sign_case("unicode-sign-helpshift-nfc", "helpshift", secret, nfc, email_nfc)
    f.sign_case("unicode-sign-helpshift-nfd", "helpshift", secret, nfd, email_nfd)
    f.sign_case("unicode-sign-help-scout-email-nfc", "help-scout", secret, None, email_nfc)
    f.sign_case("unicode-sign-help-scout-email-nfd", "help-scout", secret, None, email_nfd)
    f.sign_case("unicode-sign-crisp-idn-email", "crisp", secret, None, "用户@例子.广告")
    f.sign_case("unicode-sign-jimo-nfc", "jimo", secret, nfc, None, TYPICAL_TS)
    f.sign_case("unicode-sign-jimo-nfd", "jimo", secret, nfd, None, TYPICAL_TS)
    f.sign_case("unicode-sign-jimo-emoji", "jimo", secret, "🦀", None, TYPICAL_TS)
    f.sign_case("unicode-sign-pylon-email-emoji", "pylon", demo_hex_secret("unicode/pylon"),
                None, "🦀@example.com")
    # Distinct bytes give distinct tokens.
    assert sign("intercom", secret, nfc, None) != sign("intercom", secret, nfd, None)
    assert sign("intercom", secret, "Ada@Example.com", None) != \
        sign("intercom", secret, "ada@example.com", None)
    f.sign_case("unicode-sign-email-mixed-case", "intercom", secret, None, "Ada@Example.com")
    f.sign_case("unicode-sign-email-lower-case", "intercom", secret, None, "ada@example.com")
    # Non-ASCII secrets are their UTF-8 bytes.
    for slug, text in (("accents", "clé-secrète"), ("cyrillic", "ключ"), ("emoji", "🔑🦀"),
                       ("nfd", unicodedata.normalize("NFD", "clé-secrète")),
                       ("spaces", "  padded secret  ")):
        f.sign_case(f"unicode-sign-secret-{slug}", "intercom", text, UID)
    assert sign("intercom", "clé-secrète", UID, None) != \
        sign("intercom", unicodedata.normalize("NFD", "clé-secrète"), UID, None)

    # Verify: the same-looking identifier in the other normal form is a mismatch.
    f.verify_case("unicode-verify-nfc", "intercom", keyring, nfc, None,
                  sign("intercom", secret, nfc, None), valid="web")
    f.verify_case("unicode-verify-nfd", "intercom", keyring, nfd, None,
                  sign("intercom", secret, nfd, None), valid="web")
    f.verify_case("unicode-verify-nfd-token-nfc-identity", "intercom", keyring, nfc, None,
                  sign("intercom", secret, nfd, None), error="mismatch")
    f.verify_case("unicode-verify-nfc-token-nfd-identity", "intercom", keyring, nfd, None,
                  sign("intercom", secret, nfc, None), error="mismatch")
    f.verify_case("unicode-verify-helpshift-nfd-email", "helpshift", keyring, nfc, email_nfd,
                  sign("helpshift", secret, nfc, email_nfd), valid="web")
    f.verify_case("unicode-verify-emoji", "intercom", keyring, "👨\u200d👩\u200d👧", None,
                  sign("intercom", secret, "👨\u200d👩\u200d👧", None), valid="web")
    f.verify_case("unicode-verify-jimo-cjk", "jimo", keyring, "山田太郎", None,
                  sign("jimo", secret, "山田太郎", None, TYPICAL_TS), valid="web",
                  now=TYPICAL_NOW)
    f.verify_case("unicode-verify-email-case-mismatch", "crisp", keyring, None,
                  "Ada@Example.com", sign("crisp", secret, None, "ada@example.com"),
                  error="mismatch")
    f.verify_case("unicode-verify-whitespace-not-trimmed", "intercom", keyring, " 42 ", None,
                  sign("intercom", secret, "42", None), error="mismatch")
    f.verify_case("unicode-verify-nul-inside", "intercom", keyring, "a\u0000b", None,
                  sign("intercom", secret, "a\u0000b", None), valid="web")
    f.verify_case("unicode-verify-non-ascii-secret", "intercom", ring(("web", "ключ")), UID,
                  None, sign("intercom", "ключ", UID, None), valid="web")
    f.verify_case("unicode-verify-fullwidth-hex-token", "intercom", keyring, UID, None,
                  "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c
                          for c in sign("intercom", secret, UID, None)),
                  error="malformed_token")
    return f


def limits_file():
    f = VectorFile("limits.json",
                   "Size limits: identifiers of exactly 1024 UTF-8 bytes (accepted) and 1025+ "
                   "(rejected), unused fields, key lengths around the HMAC block size, hex "
                   "secrets, and the timestamp range.")
    secret = demo_text_secret("limits")
    keyring = ring(("web", secret))
    # Exactly 1024 UTF-8 bytes in 1, 2, 3 and 4-byte characters.
    exact = {
        "ascii": "a" * 1024,
        "two-byte": "é" * 512,
        "three-byte": "字" * 341 + "a",
        "four-byte": "🦀" * 256,
        "mixed": "a" * 1000 + "é" * 12,
    }
    for slug, value in exact.items():
        assert len(value.encode()) == 1024, slug
        f.sign_case(f"limits-sign-1024-bytes-{slug}", "intercom", secret, value)
    f.sign_case("limits-sign-1024-bytes-email", "crisp", secret, None,
                "e" * 1012 + "@example.com")
    f.sign_case("limits-sign-1024-bytes-each-concatenated", "helpshift", secret, "u" * 1024,
                "e" * 1012 + "@example.com")
    f.sign_case("limits-sign-1024-bytes-timestamped", "jimo", secret, "j" * 1024, None, U64_MAX)
    f.sign_case("limits-sign-1024-bytes-custom-base64", "subject=user_id_and_email,output=base64,"
                "timestamp=suffix", secret, "é" * 512, "🦀" * 256, TYPICAL_TS)
    f.sign_case("limits-sign-one-byte-identifier", "intercom", secret, "x")
    # Unused fields are not validated.
    f.sign_case("limits-sign-unused-email-too-long", "chatwoot", secret, UID, "e" * 2000)
    f.sign_case("limits-sign-unused-email-empty", "intercom", secret, UID, "")
    f.sign_case("limits-sign-unused-user-id-too-long", "plain", secret, "u" * 2000, EMAIL)
    f.sign_case("limits-sign-unused-user-id-empty", "help-scout", secret, "", EMAIL)
    f.sign_case("limits-sign-full-privacy-ignores-long-email", "helpshift-full-privacy", secret,
                UID, "e" * 5000)
    # Too long, by bytes not by characters.
    for slug, value in (("ascii-1025", "a" * 1025), ("two-byte-1026", "é" * 513),
                        ("four-byte-1028", "🦀" * 257),
                        ("1013-chars-1026-bytes", "a" * 1000 + "é" * 13),
                        ("three-byte-1025", "字" * 341 + "ab")):
        assert len(value.encode()) > 1024
        f.error_case(f"limits-error-too-long-{slug}", "sign", "identifier_too_long",
                     scheme="intercom", secret=BAD_SECRET, user_id=value)
    assert len("a" * 1000 + "é" * 13) < 1024  # fewer than 1024 characters
    f.error_case("limits-error-too-long-email-1025", "sign", "identifier_too_long",
                 scheme="help-scout", secret=BAD_SECRET, email="e" * 1013 + "@example.com")
    f.error_case("limits-error-too-long-second-of-concatenation", "sign", "identifier_too_long",
                 scheme="helpshift", secret=BAD_SECRET, user_id=UID, email="é" * 513)
    f.error_case("limits-error-too-long-timestamped", "sign", "identifier_too_long",
                 scheme="chameleon", secret=BAD_SECRET, user_id="c" * 1025, timestamp=0)
    f.verify_case("limits-verify-1024-bytes", "intercom", keyring, "🦀" * 256, None,
                  sign("intercom", secret, "🦀" * 256, None), valid="web")
    f.verify_case("limits-verify-2048-bytes-concatenated", "helpshift", keyring, "u" * 1024,
                  "é" * 512, sign("helpshift", secret, "u" * 1024, "é" * 512), valid="web")

    # Keys around the SHA-256 block size (64 bytes): longer keys are hashed first.
    for length in (1, 32, 63, 64, 65, 131, 1000):
        f.sign_case(f"limits-sign-utf8-key-{length}-bytes", "intercom",
                    ("k" * length), UID)
    f.sign_case("limits-sign-utf8-key-65-bytes-multibyte", "intercom", "é" * 32 + "k", UID)
    long_key = "L" * 100
    f.sign_case("limits-sign-long-key-equals-hashed-key", "subject=user_id,key=hex",
                hashlib.sha256(long_key.encode()).hexdigest(), UID,
                expected=sign("intercom", long_key, UID, None))
    for length in (1, 32, 64, 65, 200):
        f.sign_case(f"limits-sign-hex-key-{length}-bytes", "channel-io",
                    demo_hex_secret(f"limits/{length}")[: 2 * length].ljust(2 * length, "7"),
                    UID)
    f.sign_case("limits-sign-hex-key-00", "channel-io", "00", UID)
    f.sign_case("limits-sign-hex-key-uppercase", "channel-io", "DEADBEEFCAFEBABE", UID,
                expected=sign("channel-io", "deadbeefcafebabe", UID, None))
    f.sign_case("limits-sign-hex-key-mixed-case", "channel-io", "DeadBeefCafeBabe", UID,
                expected=sign("channel-io", "deadbeefcafebabe", UID, None))
    f.sign_case("limits-sign-hex-key-all-zero-32-bytes", "pylon", "00" * 32, None, EMAIL)

    # Timestamps: the whole u64 range is signable; decoding is strict.
    for t in (0, 1, 9, 10, 999_999_999, 4_294_967_295, 4_294_967_296, U64_MAX - 1, U64_MAX):
        f.sign_case(f"limits-sign-timestamp-{t}", "chameleon", secret, UID, None, t)
    # max u64 timestamps verify with wide enough windows / matching now.
    f.verify_case("limits-verify-timestamp-u64-max-now-u64-max", "chameleon", keyring, UID, None,
                  sign("chameleon", secret, UID, None, U64_MAX), valid="web", now=U64_MAX)
    f.verify_case("limits-verify-timestamp-zero-now-zero", "chameleon", keyring, UID, None,
                  sign("chameleon", secret, UID, None, 0), valid="web", now=0)
    mac = sign("chameleon", secret, UID, None, TYPICAL_TS).rpartition("-")[0]
    for slug, ts_text in (
        ("u64-max-plus-one", "18446744073709551616"),
        ("twenty-nines", "99999999999999999999"),
        ("twenty-one-digits", "100000000000000000000"),
        ("leading-zero", "0" + str(TYPICAL_TS)),
        ("double-zero", "00"),
        ("negative", "-" + str(TYPICAL_TS)),
        ("plus-sign", "+" + str(TYPICAL_TS)),
        ("empty", ""),
        ("decimal", str(TYPICAL_TS) + ".0"),
        ("exponent", "1.741761604e9"),
        ("space", " " + str(TYPICAL_TS)),
        ("trailing-newline", str(TYPICAL_TS) + "\n"),
        ("hex", "0x67d1b0c4"),
        ("arabic-indic-digits", "".join(chr(0x660 + int(d)) for d in str(TYPICAL_TS))),
        ("fullwidth-digits", "".join(chr(0xFF10 + int(d)) for d in str(TYPICAL_TS))),
    ):
        f.verify_case(f"limits-verify-timestamp-malformed-{slug}", "chameleon", keyring, UID,
                      None, f"{mac}-{ts_text}", error="malformed_token", now=TYPICAL_NOW)
    f.verify_case("limits-verify-timestamp-twenty-digits-ok-but-future", "chameleon", keyring,
                  UID, None, sign("chameleon", secret, UID, None, 10**19), error="from_the_future",
                  now=TYPICAL_NOW)
    # Token shape for a timestamped scheme.
    good = sign("chameleon", secret, UID, None, TYPICAL_TS)
    for slug, token in (
        ("two-dashes", f"{mac}-1-{TYPICAL_TS}"),
        ("only-dash", "-"),
        ("dash-then-timestamp", f"-{TYPICAL_TS}"),
        ("mac-then-dash", f"{mac}-"),
        ("leading-space", " " + good),
        ("trailing-space", good + " "),
        ("uppercase-mac", mac.upper() + f"-{TYPICAL_TS}"),
        ("timestamp-first", f"{TYPICAL_TS}-{mac}"),
        ("short-mac", f"{mac[:-2]}-{TYPICAL_TS}"),
        ("long-mac", f"{mac}00-{TYPICAL_TS}"),
        ("garbage-no-dash", "not_a_token"),
        ("underscore-separator", f"{mac}_{TYPICAL_TS}"),
    ):
        f.verify_case(f"limits-verify-token-shape-{slug}", "chameleon", keyring, UID, None,
                      token, error="malformed_token", now=TYPICAL_NOW)
    f.verify_case("limits-verify-token-shape-bare-mac", "chameleon", keyring, UID, None, mac,
                  error="missing_timestamp", now=TYPICAL_NOW)
    f.verify_case("limits-verify-token-shape-bare-mac-of-other-user", "chameleon", keyring,
                  OTHER_UID, None, mac, error="missing_timestamp", now=TYPICAL_NOW)
    # Token shape for a plain hex scheme.
    plain = sign("intercom", secret, UID, None)
    for slug, token in (
        ("63-chars", plain[:63]),
        ("65-chars", plain + "0"),
        ("128-chars", plain + plain),
        ("uppercase", plain.upper()),
        ("one-uppercase-letter", next(plain[:i] + c.upper() + plain[i + 1:]
                                      for i, c in enumerate(plain) if c in "abcdef")),
        ("non-hex-char", "g" + plain[1:]),
        ("0x-prefix", "0x" + plain[:62]),
        ("trailing-newline", plain + "\n"),
        ("inner-space", plain[:32] + " " + plain[32:63]),
        ("with-timestamp-suffix", plain + f"-{TYPICAL_TS}"),
        ("base64-of-the-mac", base64.b64encode(bytes.fromhex(plain)).decode()),
        ("empty", ""),
    ):
        f.verify_case(f"limits-verify-hex-token-{slug}", "intercom", keyring, UID, None, token,
                      error="malformed_token")
    return f


def freshness_file():
    f = VectorFile("freshness.json",
                   "Freshness of timestamped tokens: MAC before freshness, the default window "
                   "(max_age 3600, max_future_skew 300) at its exact boundaries, custom windows "
                   "up to their ceilings (30 days, one hour), the u64 edges, and policies outside "
                   "their bounds, refused with invalid_freshness.")
    secret = demo_hex_secret("freshness")
    keyring = ring(("web", secret))
    now = TYPICAL_NOW

    def check(case_id, ts, at, error=None, max_age=None, max_future_skew=None, scheme="jimo"):
        f.verify_case(case_id, scheme, keyring, UID, None, sign(scheme, secret, UID, None, ts),
                      valid=None if error else "web", error=error, now=at, max_age=max_age,
                      max_future_skew=max_future_skew)

    check("freshness-same-second", now, now)
    check("freshness-age-1", now - 1, now)
    check("freshness-age-3599", now - 3599, now)
    check("freshness-age-3600-default-max-age", now - 3600, now)
    check("freshness-age-3601-expired", now - 3601, now, "expired")
    check("freshness-age-one-day-expired", now - 86400, now, "expired")
    check("freshness-ts-zero-expired", 0, now, "expired")
    check("freshness-ahead-1", now + 1, now)
    check("freshness-ahead-300-default-skew", now + 300, now)
    check("freshness-ahead-301-from-the-future", now + 301, now, "from_the_future")
    check("freshness-milliseconds-from-the-future", now * 1000, now, "from_the_future")
    check("freshness-u64-max-from-the-future", U64_MAX, now, "from_the_future")
    check("freshness-ts-u64-max-now-zero", U64_MAX, 0, "from_the_future")
    check("freshness-ts-zero-now-u64-max", 0, U64_MAX, "expired")
    check("freshness-ts-zero-now-3600", 0, 3600)
    check("freshness-ts-zero-now-3601", 0, 3601, "expired")
    check("freshness-ts-300-now-zero", 300, 0)
    check("freshness-ts-301-now-zero", 301, 0, "from_the_future")
    check("freshness-near-u64-max", U64_MAX - 3600, U64_MAX)
    check("freshness-near-u64-max-expired", U64_MAX - 3601, U64_MAX, "expired")
    check("freshness-u64-max-ahead-300", U64_MAX, U64_MAX - 300)
    check("freshness-u64-max-ahead-301", U64_MAX, U64_MAX - 301, "from_the_future")
    # Custom windows.
    check("freshness-max-age-60-boundary", now - 60, now, max_age=60)
    check("freshness-max-age-60-expired", now - 61, now, "expired", max_age=60)
    check("freshness-max-age-0-same-second", now, now, max_age=0)
    check("freshness-max-age-0-expired", now - 1, now, "expired", max_age=0)
    check("freshness-max-age-one-week", now - 604800, now, max_age=604800)
    check("freshness-max-age-ceiling", now - MAX_AGE_CEILING, now, max_age=MAX_AGE_CEILING)
    check("freshness-max-age-ceiling-expired", now - MAX_AGE_CEILING - 1, now, "expired",
          max_age=MAX_AGE_CEILING)
    check("freshness-skew-0-same-second", now, now, max_future_skew=0)
    check("freshness-skew-0-ahead-1", now + 1, now, "from_the_future", max_future_skew=0)
    check("freshness-skew-30-boundary", now + 30, now, max_future_skew=30)
    check("freshness-skew-30-beyond", now + 31, now, "from_the_future", max_future_skew=30)
    check("freshness-skew-ceiling", now + MAX_FUTURE_SKEW_CEILING, now,
          max_future_skew=MAX_FUTURE_SKEW_CEILING)
    check("freshness-both-custom-old-ok", now - 100, now, max_age=100, max_future_skew=10)
    check("freshness-both-custom-future-ok", now + 10, now, max_age=100, max_future_skew=10)
    check("freshness-both-custom-old-expired", now - 101, now, "expired", max_age=100,
          max_future_skew=10)
    check("freshness-both-custom-future-rejected", now + 11, now, "from_the_future",
          max_age=100, max_future_skew=10)
    check("freshness-chameleon-expired", now - 3601, now, "expired", scheme="chameleon")
    check("freshness-chameleon-from-the-future", now + 301, now, "from_the_future",
          scheme="chameleon")
    # The MAC is checked first: a bad MAC is a mismatch however old or new.
    wrong = demo_hex_secret("freshness/wrong")
    for slug, ts in (("stale", now - 86400), ("future", now + 86400),
                     ("milliseconds", now * 1000), ("u64-max", U64_MAX)):
        f.verify_case(f"freshness-mismatch-before-{slug}", "jimo", keyring, UID, None,
                      sign("jimo", wrong, UID, None, ts), error="mismatch", now=now)
    # The timestamp is part of the MAC: moving it into the window breaks the MAC.
    stale = sign("jimo", secret, UID, None, now - 86400)
    f.verify_case("freshness-timestamp-rewritten", "jimo", keyring, UID, None,
                  stale.rpartition("-")[0] + f"-{now}", error="mismatch", now=now)
    # A policy outside its bounds is refused when the verifier is made: a negative window
    # (Java's, Python's and Swift's integers are signed; a binding that wrapped -1 to 2^64-1
    # switched expiry off), one in milliseconds, one past the ceilings.
    placeholder = ring(("web", BAD_SECRET))
    token = sign("jimo", BAD_SECRET, UID, None, now)
    for slug, max_age, max_future_skew in (
            ("max-age-negative", -1, None), ("skew-negative", None, -1),
            ("max-age-above-ceiling", MAX_AGE_CEILING + 1, None),
            ("max-age-milliseconds", DEFAULT_MAX_AGE * 1000, None),
            ("max-age-i64-max", 2**63 - 1, None),
            ("skew-above-ceiling", None, MAX_FUTURE_SKEW_CEILING + 1),
            ("skew-milliseconds", None, DEFAULT_MAX_FUTURE_SKEW * 1000)):
        f.error_case(f"freshness-error-{slug}", "verify", "invalid_freshness", scheme="jimo",
                     keyring=placeholder, user_id=UID, token=token, now=now, max_age=max_age,
                     max_future_skew=max_future_skew)
    return f


def gate_file():
    f = VectorFile("gate.json",
                   "The rollout gate (off, report, enforce) on hashes: a token is always verified, "
                   "whatever identity came with it, so a token without an identity (absent or "
                   "empty fields) is invalid and denied under enforce; only a request with "
                   "neither an identity nor a token is anonymous and allowed.")
    keyring = platform_ring("ios", "android")
    good = sign("intercom", PLATFORM_SECRETS["android"], UID, None)
    forged = "0" * 64
    jimo_secret = demo_hex_secret("gate/jimo")
    jimo_ring = ring(("web", jimo_secret))
    now = TYPICAL_NOW
    fresh = sign("jimo", jimo_secret, UID, None, TYPICAL_TS)
    stale = sign("jimo", jimo_secret, UID, None, now - 7200)
    for mode in ENFORCEMENTS:
        checked = mode != "off"

        def case(slug, user_id, email, token, outcome, scheme="intercom", ring_=keyring,
                 at=None, only_label=None):
            if not checked and slug not in ("verified", "forged", "anonymous-forged", "missing"):
                return  # off checks nothing: a few cases say so
            f.gate_case(f"gate-{mode}-{slug}", scheme, ring_, mode, user_id, email, token,
                        outcome=outcome if checked else "not_checked", now=at,
                        only_label=only_label)

        case("verified", UID, None, good, "verified")
        case("verified-platform", UID, None, good, "verified", only_label="android")
        case("wrong-platform", UID, None, good, "invalid", only_label="ios")
        case("missing", UID, None, None, "missing")
        case("missing-empty-token", UID, EMAIL, "", "missing")
        case("forged", UID, None, forged, "invalid")
        case("another-user", OTHER_UID, None, good, "invalid")
        case("anonymous", None, None, None, "unidentified")
        case("anonymous-empty-token", None, None, "", "unidentified")
        case("anonymous-empty-fields", "", "", None, "unidentified")
        # The hole a gate must not have: a token with no identity is never let through.
        case("anonymous-forged", None, None, forged, "invalid")
        case("anonymous-genuine", None, None, good, "invalid")
        case("empty-user-id-forged", "", None, forged, "invalid")
        case("empty-fields-forged", "", "", forged, "invalid")
        case("jimo-fresh", UID, None, fresh, "verified", "jimo", jimo_ring, now)
        case("jimo-stale", UID, None, stale, "invalid", "jimo", jimo_ring, now)
        case("jimo-anonymous-genuine", None, None, fresh, "invalid", "jimo", jimo_ring, now)
    return f
