#!/usr/bin/env python3
"""Generate the userhash conformance vectors (testdata/vectors/*.json).

This script is an independent re-implementation of the userhash scheme model in
plain Python 3 (standard library only). It must never import or call the Rust
code: the point of the vectors is that two implementations, written separately,
agree byte for byte.

Usage:
    python3 testdata/generate_vectors.py          # (re)write testdata/vectors/*.json
    python3 testdata/generate_vectors.py --check  # exit 1 if a file on disk differs

The output is deterministic: no randomness, no clock, fixed case order, and
json.dump(indent=2, ensure_ascii=False) plus a trailing newline.

Layout of this file:
  1. the scheme model (parse a scheme, make a key, build the message, sign,
     decode a token, verify, explain), each rule in its own small helper;
  2. case builders (sign_case, verify_case, error_case, explain_case) that
     state the *intended* outcome and assert the model agrees with it;
  3. one function per output file;
  4. writing / --check.
The format of the files is documented in testdata/vectors/README.md.
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VECTORS_DIR = HERE / "vectors"
GENERATOR = "testdata/generate_vectors.py"

# The `source` strings used by the cases.
COMPUTED = "computed: Python hmac (testdata/generate_vectors.py)"
SOURCE_JIMO = "vendor docs: Jimo identity verification worked example (VENDORS.md)"
SOURCE_SECRET_MESSAGE = (
    'known answer: HMAC-SHA256(key "secret", message "Message") = aa747c50... (VENDORS.md)'
)

# Limits and defaults of the scheme model.
U64_MAX = 2**64 - 1
MAX_IDENTIFIER_BYTES = 1024
DEFAULT_MAX_AGE = 3600
DEFAULT_MAX_FUTURE_SKEW = 300
# The ceilings of a freshness policy: above them (or below 0) the verifier refuses to be built.
MAX_AGE_CEILING = 30 * 24 * 3600
MAX_FUTURE_SKEW_CEILING = 3600

# A "typical" verification moment, taken from the Jimo example (time 1741761604).
TYPICAL_TS = 1741761604
TYPICAL_NOW = 1741761700


# =============================================================================
# 1. The scheme model
# =============================================================================


class UserhashError(Exception):
    """An input error: the operation cannot run. `code` is the vector error code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class Rejection(Exception):
    """A verification rejection (the token is not valid). Returned, not raised, by verify()."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Scheme:
    subject: str  # user_id | email | user_id_else_email | user_id_and_email
    key: str  # utf8 | hex
    output: str  # hex | base64
    timestamp: str  # none | suffix


SCHEME_OPTIONS = {
    "subject": ("user_id", "email", "user_id_else_email", "user_id_and_email"),
    "key": ("utf8", "hex"),
    "output": ("hex", "base64"),
    "timestamp": ("none", "suffix"),
}

PRESETS = {
    "intercom": Scheme("user_id_else_email", "utf8", "hex", "none"),
    "helpshift": Scheme("user_id_and_email", "utf8", "base64", "none"),
    "helpshift-full-privacy": Scheme("user_id", "utf8", "base64", "none"),
    "jimo": Scheme("user_id", "utf8", "hex", "suffix"),
    "front": Scheme("user_id_else_email", "utf8", "hex", "none"),
    "help-scout": Scheme("email", "utf8", "hex", "none"),
    "chatwoot": Scheme("user_id", "utf8", "hex", "none"),
    "crisp": Scheme("email", "utf8", "hex", "none"),
    "gleap": Scheme("user_id", "utf8", "hex", "none"),
    "featurebase-legacy": Scheme("user_id_else_email", "utf8", "hex", "none"),
    "plain": Scheme("email", "utf8", "hex", "none"),
    "pylon": Scheme("email", "hex", "hex", "none"),
    "channel-io": Scheme("user_id", "hex", "hex", "none"),
    "novu": Scheme("user_id", "utf8", "hex", "none"),
    "userflow": Scheme("user_id", "utf8", "hex", "none"),
    "chameleon": Scheme("user_id", "utf8", "hex", "suffix"),
    "helpcrunch": Scheme("user_id", "utf8", "hex", "none"),
    "tawk-to": Scheme("user_id", "utf8", "hex", "none"),
}


def parse_scheme(text):
    """A preset name, or a spec `key=value,...` (a spec always contains '=')."""
    if "=" not in text:
        if text in PRESETS:
            return PRESETS[text]
        raise UserhashError("unknown_scheme")
    chosen = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        if name not in SCHEME_OPTIONS:  # unknown key (also "" from an empty item)
            raise UserhashError("invalid_scheme")
        if name in chosen:  # duplicate key
            raise UserhashError("invalid_scheme")
        if value not in SCHEME_OPTIONS[name]:  # unknown value (case-sensitive)
            raise UserhashError("invalid_scheme")
        chosen[name] = value
    if "subject" not in chosen:
        raise UserhashError("invalid_scheme")
    return Scheme(
        subject=chosen["subject"],
        key=chosen.get("key", "utf8"),
        output=chosen.get("output", "hex"),
        timestamp=chosen.get("timestamp", "none"),
    )


# --- secrets -----------------------------------------------------------------

HEX_DIGITS = "0123456789abcdefABCDEF"


def is_hex_secret(text):
    """Even length, non-empty, only ASCII hex digits (either case)."""
    return len(text) > 0 and len(text) % 2 == 0 and all(c in HEX_DIGITS for c in text)


def make_key(scheme, secret):
    """The HMAC key bytes for `secret` under the scheme's key encoding."""
    if secret == "":
        raise UserhashError("empty_secret")
    if scheme.key == "utf8":
        return secret.encode("utf-8")
    if not is_hex_secret(secret):  # odd length, non-hex char, whitespace, "0x"...
        raise UserhashError("invalid_hex_secret")
    return bytes.fromhex(secret)


# --- identity -> message -------------------------------------------------------


def subject_fields(scheme, user_id, email):
    """The identity fields that form the message, in order, as [(name, value)].

    Rules, in this order: presence (unidentified / missing_field), then each used
    field must be non-empty (empty_field) and at most 1024 UTF-8 bytes
    (identifier_too_long). Unused fields are not validated at all.
    """
    subject = scheme.subject
    if subject == "user_id":
        if user_id is None:
            raise UserhashError("missing_field" if email is not None else "unidentified")
        fields = [("user_id", user_id)]
    elif subject == "email":
        if email is None:
            raise UserhashError("missing_field" if user_id is not None else "unidentified")
        fields = [("email", email)]
    elif subject == "user_id_else_email":
        if user_id is not None:  # even when it is "" (that is then empty_field)
            fields = [("user_id", user_id)]
        elif email is not None:
            fields = [("email", email)]
        else:
            raise UserhashError("unidentified")
    elif subject == "user_id_and_email":
        fields = [(n, v) for n, v in (("user_id", user_id), ("email", email)) if v is not None]
        if not fields:
            raise UserhashError("unidentified")
    else:
        raise AssertionError(subject)
    for _, value in fields:
        if value == "":
            raise UserhashError("empty_field")
        if len(value.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
            raise UserhashError("identifier_too_long")
    return fields


def join_fields(fields):
    """Concatenate field values, no separator, exact UTF-8 (no trim/fold/normalise)."""
    return "".join(value for _, value in fields).encode("utf-8")


def subject_bytes(scheme, user_id, email):
    return join_fields(subject_fields(scheme, user_id, email))


def with_timestamp(subject, ts):
    """The HMAC message: the subject, plus "-{ts}" on timestamped schemes."""
    if ts is None:
        return subject
    return subject + b"-" + str(ts).encode("ascii")


# --- HMAC and token encoding ---------------------------------------------------


def hmac_sha256(key, message):
    return hmac.new(key, message, hashlib.sha256).digest()


def encode_mac(output, mac):
    if output == "hex":
        return mac.hex()  # lowercase
    return base64.b64encode(mac).decode("ascii")  # standard alphabet, padded, 44 chars


def render_token(scheme, mac, ts):
    token = encode_mac(scheme.output, mac)
    if ts is not None:
        token += "-" + str(ts)
    return token


def sign(scheme_text, secret, user_id, email, timestamp=None):
    """`sign` (timestamp None) or `sign_at` (timestamp given)."""
    scheme = parse_scheme(scheme_text)
    key = make_key(scheme, secret)
    subject = subject_bytes(scheme, user_id, email)
    if timestamp is not None and scheme.timestamp == "none":
        raise UserhashError("timestamp_not_applicable")
    if timestamp is None and scheme.timestamp == "suffix":
        raise AssertionError("vectors always give a timestamp for timestamped schemes")
    return render_token(scheme, hmac_sha256(key, with_timestamp(subject, timestamp)), timestamp)


# --- strict token decoding -----------------------------------------------------

LOWER_HEX = "0123456789abcdef"
UPPER_HEX = "0123456789ABCDEF"
BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
DIGITS = "0123456789"


def decode_lower_hex(text):
    if len(text) == 64 and all(c in LOWER_HEX for c in text):
        return bytes.fromhex(text)
    return None


def decode_upper_hex(text):
    """Only used by explain: 64 chars of [0-9A-F] with at least one letter."""
    if len(text) == 64 and all(c in UPPER_HEX for c in text) and any(c in "ABCDEF" for c in text):
        return bytes.fromhex(text)
    return None


def decode_strict_base64(text):
    """Exactly 44 chars: 43 of the standard alphabet then '=', canonical (the 2
    unused low bits of the 43rd char are zero)."""
    if len(text) != 44 or text[43] != "=":
        return None
    if not all(c in BASE64_ALPHABET for c in text[:43]):
        return None
    if BASE64_ALPHABET.index(text[42]) & 0b11:
        return None  # non-canonical: decodes, but re-encodes differently
    mac = base64.b64decode(text, validate=True)
    assert len(mac) == 32 and base64.b64encode(mac).decode("ascii") == text
    return mac


def decode_mac(output, text):
    mac = decode_lower_hex(text) if output == "hex" else decode_strict_base64(text)
    if mac is None:
        raise Rejection("malformed_token")
    return mac


def parse_timestamp(text):
    """1-20 ASCII digits, no leading zero unless exactly "0", fits in u64."""
    if not 1 <= len(text) <= 20 or not all(c in DIGITS for c in text):
        return None
    if len(text) > 1 and text[0] == "0":
        return None
    value = int(text)
    if value > U64_MAX:
        return None
    return value


def decode_token(scheme, token):
    """(mac bytes, ts or None); raises Rejection(malformed_token | missing_timestamp)."""
    if scheme.timestamp == "none":
        return decode_mac(scheme.output, token), None
    mac_text, dash, ts_text = token.rpartition("-")  # split at the LAST '-'
    if not dash:
        decode_mac(scheme.output, token)  # a bare token that is not a mac: malformed
        raise Rejection("missing_timestamp")
    mac = decode_mac(scheme.output, mac_text)
    ts = parse_timestamp(ts_text)
    if ts is None:
        raise Rejection("malformed_token")
    return mac, ts


# --- keyring -------------------------------------------------------------------

LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_.-"


def is_valid_label(label):
    return 1 <= len(label) <= 64 and all(c in LABEL_CHARS for c in label)


@dataclass(frozen=True)
class KeyEntry:
    label: str
    secret: str  # the secret text as configured (explain needs it)
    key: bytes  # key bytes under the scheme's key encoding


def build_keyring(scheme, entries):
    """Entries are checked in order: label syntax, duplicate label, secret."""
    if not entries:
        raise UserhashError("empty_keyring")
    ring = []
    seen = set()
    for entry in entries:
        label = entry["label"]
        if not is_valid_label(label):
            raise UserhashError("invalid_label")
        if label in seen:
            raise UserhashError("duplicate_label")
        seen.add(label)
        ring.append(KeyEntry(label, entry["secret"], make_key(scheme, entry["secret"])))
    return ring


# --- verification --------------------------------------------------------------


def freshness_rejection(ts, now, max_age, max_future_skew):
    """None if ts is acceptable at `now`, else "expired" / "from_the_future"."""
    if ts <= now:
        return "expired" if now - ts > max_age else None
    return "from_the_future" if ts - now > max_future_skew else None


def check_freshness(max_age, max_future_skew):
    """A policy window below 0 or above its ceiling is a configuration error (null: default)."""
    for value, ceiling in ((max_age, MAX_AGE_CEILING), (max_future_skew, MAX_FUTURE_SKEW_CEILING)):
        if value is not None and not 0 <= value <= ceiling:
            raise UserhashError("invalid_freshness")


def verify(scheme_text, keyring, user_id, email, token, now=None, max_age=None,
           max_future_skew=None, only_label=None):
    """{"valid": True, "label": L} or {"valid": False, "error": rejection};
    raises UserhashError for input errors.

    Order: scheme, keyring, freshness policy, only_label, identity, token decoding, MAC (keys
    in keyring order, first match wins), then freshness.
    """
    scheme = parse_scheme(scheme_text)
    ring = build_keyring(scheme, keyring)
    check_freshness(max_age, max_future_skew)
    if only_label is not None:
        ring = [entry for entry in ring if entry.label == only_label]
        if not ring:
            raise UserhashError("unknown_label")
    subject = subject_bytes(scheme, user_id, email)
    if scheme.timestamp == "suffix":
        assert now is not None, "timestamped verify cases always give `now`"
    try:
        mac, ts = decode_token(scheme, token)
    except Rejection as rejection:
        return {"valid": False, "error": rejection.code}
    message = with_timestamp(subject, ts)
    for entry in ring:
        if hmac.compare_digest(hmac_sha256(entry.key, message), mac):
            break
    else:
        return {"valid": False, "error": "mismatch"}
    if ts is not None:
        problem = freshness_rejection(
            ts, now,
            DEFAULT_MAX_AGE if max_age is None else max_age,
            DEFAULT_MAX_FUTURE_SKEW if max_future_skew is None else max_future_skew,
        )
        if problem:
            return {"valid": False, "error": problem}
    return {"valid": True, "label": entry.label}


# --- the rollout gate ------------------------------------------------------------

ENFORCEMENTS = ("off", "report", "enforce")


def is_unidentified(user_id, email):
    """Neither a user id nor an email (absent or empty): an anonymous visitor."""
    return not user_id and not email


def gate(scheme_text, keyring, enforcement, user_id, email, token, now=None, max_age=None,
         max_future_skew=None, only_label=None):
    """The gate's decision. A token always decides, whatever identity came with it: with no
    identity a hash cannot verify (its input error is the decision's error). Only a request with
    neither an identity nor a token is "unidentified", and allowed."""
    assert enforcement in ENFORCEMENTS
    label = error = None
    if enforcement == "off":
        outcome = "not_checked"
    elif not token:  # absent or empty
        outcome = "unidentified" if is_unidentified(user_id, email) else "missing"
    else:
        try:
            verdict = verify(scheme_text, keyring, user_id, email, token, now, max_age,
                             max_future_skew, only_label)
        except UserhashError as failure:
            verdict = {"valid": False, "error": failure.code}
        if verdict["valid"]:
            outcome, label = "verified", verdict["label"]
        else:
            outcome, error = "invalid", verdict["error"]
    would_deny = outcome in ("missing", "invalid")
    return {"allowed": not (enforcement == "enforce" and would_deny), "outcome": outcome,
            "label": label, "error": error, "would_deny_when_enforced": would_deny,
            "claimed_identity": None}


# --- explain (diagnosis) -------------------------------------------------------
#
# The diagnosis searches the ways a client commonly gets the token wrong. A
# candidate explanation picks one reading in each dimension below; the causes of
# a candidate are the non-None mistakes it uses. Only candidates with 1 or 2
# causes count, and the explanations reported are those with the fewest causes.
#   token reading : as specified | uppercase_hex | base64_instead_of_hex | hex_instead_of_base64
#   key label     : expected_label | wrong_key (any other label; only if expected_label given)
#   key reading   : as specified | secret_hex_decoded | secret_used_as_text | key_message_swapped
#   message       : as specified | one identifier mistake (see subject_readings)
#   timestamp     : "-{ts}" from the token | timestamp_missing (bare mac, no "-ts" in message)
#   freshness     : fresh | stale_timestamp | future_timestamp | milliseconds_timestamp


def token_readings(scheme, token):
    """[(mac bytes, ts text or None, mistake or None)]."""
    ts_text = None
    mac_text = token
    if scheme.timestamp == "suffix":
        head, dash, tail = token.rpartition("-")
        if dash:
            if parse_timestamp(tail) is None:
                return []
            mac_text, ts_text = head, tail
    readings = []
    if scheme.output == "hex":
        for mistake, decode in ((None, decode_lower_hex),
                                ("uppercase_hex", decode_upper_hex),
                                ("base64_instead_of_hex", decode_strict_base64)):
            mac = decode(mac_text)
            if mac is not None:
                readings.append((mac, ts_text, mistake))
    else:
        for mistake, decode in ((None, decode_strict_base64),
                                ("hex_instead_of_base64", decode_lower_hex)):
            mac = decode(mac_text)
            if mac is not None:
                readings.append((mac, ts_text, mistake))
    return readings


def key_readings(scheme, entry):
    """[(mistake, key bytes, swapped)]: swapped means HMAC(key=message, msg=key)."""
    readings = [(None, entry.key, False)]
    if scheme.key == "utf8" and is_hex_secret(entry.secret):
        readings.append(("secret_hex_decoded", bytes.fromhex(entry.secret), False))
    if scheme.key == "hex":
        readings.append(("secret_used_as_text", entry.secret.encode("utf-8"), False))
    readings.append(("key_message_swapped", entry.key, True))
    return readings


def replace_field(fields, index, value):
    copy = list(fields)
    copy[index] = (copy[index][0], value)
    return copy


def is_integer_text(text):
    return text != "" and all(c in DIGITS for c in text)


def subject_readings(scheme, user_id, email):
    """[(mistake, subject bytes)]: the correct subject, then each identifier mistake."""
    fields = subject_fields(scheme, user_id, email)
    correct = join_fields(fields)
    readings = [(None, correct)]

    def add(mistake, data):
        if data != correct:
            readings.append((mistake, data))

    # Which identifiers were hashed (only when the client sent both).
    if user_id is not None and email is not None:
        if [name for name, _ in fields] == ["user_id"]:
            add("email_instead_of_user_id", email.encode("utf-8"))
            add("unexpected_concatenation", (user_id + email).encode("utf-8"))
        elif [name for name, _ in fields] == ["email"]:
            add("user_id_instead_of_email", user_id.encode("utf-8"))
            add("unexpected_concatenation", (user_id + email).encode("utf-8"))
        else:  # user_id_and_email with both present
            add("concatenation_missing", user_id.encode("utf-8"))
            add("concatenation_missing", email.encode("utf-8"))
            add("fields_swapped", (email + user_id).encode("utf-8"))

    # Surrounding whitespace: one field stripped, one field with "\n" appended,
    # or every field stripped.
    for i, (_, value) in enumerate(fields):
        add("surrounding_whitespace", join_fields(replace_field(fields, i, value.strip())))
        add("surrounding_whitespace", join_fields(replace_field(fields, i, value + "\n")))
    add("surrounding_whitespace", join_fields([(n, v.strip()) for n, v in fields]))

    # Email case: the email lowercased.
    for i, (name, value) in enumerate(fields):
        if name == "email":
            add("email_case", join_fields(replace_field(fields, i, value.lower())))

    # Unicode normalisation: every field in NFC, or every field in NFD.
    for form in ("NFC", "NFD"):
        add("unicode_normalization",
            join_fields([(n, unicodedata.normalize(form, v)) for n, v in fields]))

    # Numeric id format: "42" hashed as "42.0", or "42.0" hashed as "42".
    for i, (name, value) in enumerate(fields):
        if name == "user_id" and is_integer_text(value):
            add("numeric_id_format", join_fields(replace_field(fields, i, value + ".0")))
        if name == "user_id" and value.endswith(".0") and is_integer_text(value[:-2]):
            add("numeric_id_format", join_fields(replace_field(fields, i, value[:-2])))

    # Text encoding of the whole subject: Latin-1 (when every char fits), or
    # ASCII with '?' for each non-ASCII code point.
    text = correct.decode("utf-8")
    if not text.isascii():
        if all(ord(c) <= 0xFF for c in text):
            add("text_encoding", text.encode("latin-1"))
        add("text_encoding", text.encode("ascii", errors="replace"))
    return readings


def freshness_mistake(ts, now):
    """Diagnosis of a timestamp whose MAC matched (default windows)."""
    if freshness_rejection(ts, now, DEFAULT_MAX_AGE, DEFAULT_MAX_FUTURE_SKEW) is None:
        return None
    if ts <= now:
        return "stale_timestamp"
    if freshness_rejection(ts // 1000, now, DEFAULT_MAX_AGE, DEFAULT_MAX_FUTURE_SKEW) is None:
        return "milliseconds_timestamp"  # ts/1000 would have been fresh
    return "future_timestamp"


def find_explanations(scheme, ring, expected_label, user_id, email, token, now):
    """Set of frozensets of causes (1 or 2 causes each) that reproduce `token`."""
    found = set()
    subjects = subject_readings(scheme, user_id, email)
    for mac, ts_text, output_mistake in token_readings(scheme, token):
        for entry in ring:
            label_mistake = None
            if expected_label is not None and entry.label != expected_label:
                label_mistake = "wrong_key"
            for key_mistake, key, swapped in key_readings(scheme, entry):
                for subject_mistake, subject in subjects:
                    timestamp_mistake = None
                    if ts_text is not None:
                        message = subject + b"-" + ts_text.encode("ascii")
                        timestamp_mistake = freshness_mistake(int(ts_text), now)
                    else:
                        message = subject
                        if scheme.timestamp == "suffix":
                            timestamp_mistake = "timestamp_missing"
                    candidate = hmac_sha256(message, key) if swapped else hmac_sha256(key, message)
                    if candidate != mac:
                        continue
                    causes = frozenset(c for c in (output_mistake, label_mistake, key_mistake,
                                                   subject_mistake, timestamp_mistake) if c)
                    if 1 <= len(causes) <= 2:
                        found.add(causes)
    return found


def explain(scheme_text, keyring, expected_label, user_id, email, token, now):
    """(valid label or None, list of minimal explanations as frozensets)."""
    scheme = parse_scheme(scheme_text)
    ring = build_keyring(scheme, keyring)
    outcome = verify(scheme_text, keyring, user_id, email, token, now=now,
                     only_label=expected_label)
    if outcome["valid"]:
        return outcome["label"], []
    found = find_explanations(scheme, ring, expected_label, user_id, email, token, now)
    if not found:
        return None, []
    fewest = min(len(causes) for causes in found)
    return None, sorted((c for c in found if len(c) == fewest), key=sorted)


# --- helpers that build deliberately wrong tokens (for explain) ---------------


def forged_token(scheme_text, key, message, ts=None, output=None, swapped=False,
                 uppercase=False):
    """A token as a mistaken client would build it.

    key/message are the exact bytes (or text, encoded as UTF-8) the client used;
    ts (if given) is appended to the message and to the token as "-{ts}";
    output overrides the scheme's encoding; uppercase upper-cases the hex.
    """
    scheme = parse_scheme(scheme_text)
    key = key.encode("utf-8") if isinstance(key, str) else key
    message = message.encode("utf-8") if isinstance(message, str) else message
    message = with_timestamp(message, ts)
    mac = hmac_sha256(message, key) if swapped else hmac_sha256(key, message)
    text = encode_mac(output or scheme.output, mac)
    if uppercase:
        text = text.upper()
    if ts is not None:
        text += "-" + str(ts)
    return text


# =============================================================================
# 2. Case builders
# =============================================================================

ALL_IDS = set()


def register_id(case_id):
    assert case_id not in ALL_IDS, f"duplicate case id {case_id}"
    assert case_id == case_id.lower() and " " not in case_id, case_id
    ALL_IDS.add(case_id)


class VectorFile:
    """One output file: about + the five sections, filled by the *_case methods."""

    def __init__(self, name, about):
        self.name = name
        self.about = about
        self.sign = []
        self.verify = []
        self.errors = []
        self.explain = []
        self.gate = []

    def to_json(self):
        return {
            "about": self.about,
            "generator": GENERATOR,
            "sign": self.sign,
            "verify": self.verify,
            "errors": self.errors,
            "explain": self.explain,
            "gate": self.gate,
        }

    # --- sign ---
    def sign_case(self, case_id, scheme, secret, user_id=None, email=None, timestamp=None,
                  source=COMPUTED, expected=None):
        """Add a sign case; `expected` (if given) is asserted against the model."""
        register_id(case_id)
        token = sign(scheme, secret, user_id, email, timestamp)
        if expected is not None:
            assert token == expected, f"{case_id}: model gives {token}, expected {expected}"
        self.sign.append({
            "id": case_id, "source": source, "scheme": scheme, "secret": secret,
            "user_id": user_id, "email": email, "timestamp": timestamp, "expected": token,
        })
        return token

    # --- verify ---
    def verify_case(self, case_id, scheme, keyring, user_id, email, token, *, valid=None,
                    error=None, now=None, max_age=None, max_future_skew=None,
                    only_label=None, source=COMPUTED):
        """valid=LABEL for an accepted token, error=CODE for a rejection."""
        register_id(case_id)
        assert (valid is None) != (error is None), case_id
        intended = {"valid": True, "label": valid} if valid else {"valid": False, "error": error}
        outcome = verify(scheme, keyring, user_id, email, token, now, max_age,
                         max_future_skew, only_label)
        assert outcome == intended, f"{case_id}: model gives {outcome}, intended {intended}"
        if parse_scheme(scheme).timestamp == "none":
            assert now is None, f"{case_id}: `now` is null for non-timestamped schemes"
        self.verify.append({
            "id": case_id, "source": source, "scheme": scheme, "keyring": keyring,
            "user_id": user_id, "email": email, "token": token, "now": now,
            "max_age": max_age, "max_future_skew": max_future_skew,
            "only_label": only_label, "expected": outcome,
        })

    # --- errors ---
    def error_case(self, case_id, operation, error, *, scheme, secret=None, user_id=None,
                   email=None, timestamp=None, keyring=None, token=None, now=None,
                   max_age=None, max_future_skew=None, only_label=None, source=COMPUTED):
        register_id(case_id)
        case = {
            "id": case_id, "source": source, "operation": operation, "scheme": scheme,
            "secret": secret, "user_id": user_id, "email": email, "timestamp": timestamp,
            "keyring": keyring, "token": token, "now": now, "max_age": max_age,
            "max_future_skew": max_future_skew, "only_label": only_label, "error": error,
        }
        secrets = [secret] + [entry["secret"] for entry in keyring or []]
        assert not any(s and looks_real(s) for s in secrets), f"{case_id}: real-looking secret"
        try:
            run_operation(case)
        except UserhashError as failure:
            assert failure.code == error, \
                f"{case_id}: model raises {failure.code}, intended {error}"
        else:
            raise AssertionError(f"{case_id}: model raised nothing, intended {error}")
        self.errors.append(case)

    # --- gate ---
    def gate_case(self, case_id, scheme, keyring, enforcement, user_id, email, token, *,
                  outcome, now=None, only_label=None, source=COMPUTED):
        """`outcome` is the intended outcome; the rest of the decision comes from the model."""
        register_id(case_id)
        decision = gate(scheme, keyring, enforcement, user_id, email, token, now,
                        only_label=only_label)
        assert decision["outcome"] == outcome, \
            f"{case_id}: model gives {decision}, intended {outcome}"
        if parse_scheme(scheme).timestamp == "none":
            assert now is None, case_id
        self.gate.append({
            "id": case_id, "source": source, "scheme": scheme, "keyring": keyring,
            "enforcement": enforcement, "user_id": user_id, "email": email, "token": token,
            "now": now, "max_age": None, "max_future_skew": None, "only_label": only_label,
            "expected": decision,
        })

    # --- explain ---
    def explain_case(self, case_id, scheme, keyring, user_id, email, token, *,
                     causes=(), valid=None, expected_label=None, now=None, source=COMPUTED):
        """causes: the mistake(s) deliberately applied to build `token` (1 or 2);
        valid=LABEL for a token that verifies; neither for "no known mistake"."""
        register_id(case_id)
        causes = list(causes)
        label, explanations = explain(scheme, keyring, expected_label, user_id, email, token, now)
        if valid is not None:
            assert label == valid and not causes, f"{case_id}: model gives {label}"
            # A valid token under a scheme that joins user id and email with no separator is
            # valid for every other split of the same text too: the diagnosis says so.
            notes = (["ambiguous_concatenation"]
                     if parse_scheme(scheme).subject == "user_id_and_email" else [])
            expected = {"valid": True, "label": valid, "first": notes[0] if notes else None,
                        "includes": notes}
        else:
            assert label is None, f"{case_id}: token unexpectedly verifies ({label})"
            if causes:
                assert explanations == [frozenset(causes)], \
                    f"{case_id}: model finds {explanations}, intended {causes}"
            else:
                assert explanations == [], f"{case_id}: model finds {explanations}"
            first = causes[0] if len(causes) == 1 else None
            expected = {"valid": False, "label": None, "first": first, "includes": causes}
        if parse_scheme(scheme).timestamp == "none":
            assert now is None, case_id
        self.explain.append({
            "id": case_id, "source": source, "scheme": scheme, "keyring": keyring,
            "expected_label": expected_label, "user_id": user_id, "email": email,
            "token": token, "now": now, "expected": expected,
        })


def run_operation(case):
    """Run an `errors` case through the model (raises UserhashError)."""
    op = case["operation"]
    if op == "scheme":
        parse_scheme(case["scheme"])
    elif op == "secret":
        make_key(parse_scheme(case["scheme"]), case["secret"])
    elif op == "sign":
        sign(case["scheme"], case["secret"], case["user_id"], case["email"], case["timestamp"])
    elif op == "keyring":
        build_keyring(parse_scheme(case["scheme"]), case["keyring"])
    elif op == "verify":
        outcome = verify(case["scheme"], case["keyring"], case["user_id"], case["email"],
                         case["token"], case["now"], case["max_age"], case["max_future_skew"],
                         case["only_label"])
        raise AssertionError(f"{case['id']}: verify returned {outcome}; errors need input errors")
    else:
        raise AssertionError(op)


# --- fixtures: obviously-demo secrets, derived deterministically ----------------


def demo_text_secret(tag):
    """A text secret such as "demo_intercom_ios_5f2c...": clearly not a real key."""
    return "demo_" + tag.replace("-", "_").replace("/", "_") + "_" + \
        hashlib.sha256(("userhash-vectors/" + tag).encode()).hexdigest()[:20]


def demo_hex_secret(tag):
    """64 lowercase hex chars (32 bytes), derived from the tag."""
    return hashlib.sha256(("userhash-vectors/hex/" + tag).encode()).hexdigest()


def secret_for(preset, tag):
    """The secret style a preset's dashboard hands out: hex for hex-key schemes,
    hex-looking text for Jimo (as in its docs), readable text otherwise."""
    scheme = PRESETS[preset]
    if scheme.key == "hex" or preset == "jimo":
        return demo_hex_secret(preset + "/" + tag)
    return demo_text_secret(preset + "/" + tag)


def ring(*pairs):
    return [{"label": label, "secret": secret} for label, secret in pairs]


UID = "42"
UID_UUID = "7f1c2e9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b"
OTHER_UID = "43"
EMAIL = "ada@example.com"
OTHER_EMAIL = "grace@example.com"

# Error cases never carry a real-looking secret: only these obvious placeholders
# (or deliberately broken values such as "abc" or "zz").
BAD_SECRET = "not-a-real-secret"
FAKE_HEX_SECRET = "00ff"


def looks_real(secret):
    """True for the demo secrets used by sign/verify cases (kept out of `errors`)."""
    return secret.startswith("demo_") or (len(secret) >= 32 and is_hex_secret(secret))


# =============================================================================
# 3. One function per file
# =============================================================================

PRESET_ABOUT = {
    "intercom": "Intercom (web, iOS, Android, Cordova): HMAC of user_id, or of the email only "
                "when there is no user_id; lowercase hex; one secret per platform "
                "(VENDORS.md, confidence C).",
    "helpshift": "Helpshift: HMAC of user_id, or email, or user_id + email concatenated with no "
                 "separator when both are present; standard padded base64 (VENDORS.md, C).",
    "helpshift-full-privacy": "Helpshift full-privacy mode: HMAC of user_id only, email ignored; "
                              "standard padded base64 (VENDORS.md, C).",
    "jimo": "Jimo: HMAC of \"{id}-{unix_seconds}\", token \"{hex}-{unix_seconds}\"; the "
            "hex-looking dashboard secret is used as UTF-8 text (VENDORS.md, C).",
    "front": "Front Chat: HMAC of the user ID when one is passed, else of the email; hex "
             "(VENDORS.md, C).",
    "help-scout": "Help Scout Beacon: HMAC of the email; hex (VENDORS.md, C).",
    "chatwoot": "Chatwoot: HMAC of the identifier passed to setUser (user_id) with the per-inbox "
                "token as UTF-8; hex (VENDORS.md, C).",
    "crisp": "Crisp: HMAC of the email; hex (VENDORS.md, confidence I: inferred, a hypothesis).",
    "gleap": "Gleap: HMAC of the user id as a string (numeric ids stringified); hex "
             "(VENDORS.md, C).",
    "featurebase-legacy": "Featurebase legacy HMAC mode: HMAC of the user id, else of the email "
                          "(user id wins when both); hex (VENDORS.md, C).",
    "plain": "Plain: HMAC of the email; hex (VENDORS.md, C).",
    "pylon": "Pylon: HMAC of the email keyed with the hex-decoded secret bytes; hex "
             "(VENDORS.md, C).",
    "channel-io": "Channel.io: HMAC of the member id keyed with the hex-decoded secret bytes; hex "
                  "(VENDORS.md, C).",
    "novu": "Novu: HMAC of the subscriber id with the environment API secret; hex "
            "(VENDORS.md, C).",
    "userflow": "Userflow: HMAC of the user id, one secret per environment; hex output is "
                "inferred (VENDORS.md, C/I).",
    "chameleon": "Chameleon: HMAC of \"{uid}-{unix_seconds}\", token \"{hex}-{unix_seconds}\", "
                 "same shape as Jimo (VENDORS.md, C).",
    "helpcrunch": "HelpCrunch: HMAC of the user id; hex (VENDORS.md, C).",
    "tawk-to": "Tawk.to: HMAC of the user id with the per-property key; hex output is inferred "
               "(VENDORS.md, C/I).",
}


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


def preset_files():
    return [preset_file(name) for name in PRESETS]


def all_files():
    files = preset_files() + [
        custom_file(), keyring_file(), known_answers_file(), errors_file(), explain_file(),
        unicode_file(), limits_file(), freshness_file(), gate_file(),
    ]
    check_coverage(files)
    return files


# --- coverage checks (fail the generator if a required topic is missing) ------

ERROR_CODES = [
    "unknown_scheme", "invalid_scheme", "empty_secret", "invalid_hex_secret", "unidentified",
    "missing_field", "empty_field", "identifier_too_long", "timestamp_not_applicable",
    "invalid_label", "duplicate_label", "unknown_label", "empty_keyring", "invalid_freshness",
]
REJECTION_CODES = ["malformed_token", "missing_timestamp", "mismatch", "expired",
                   "from_the_future"]
CAUSE_CODES = [
    "wrong_key", "email_instead_of_user_id", "user_id_instead_of_email",
    "concatenation_missing", "unexpected_concatenation", "fields_swapped",
    "surrounding_whitespace", "email_case", "unicode_normalization", "numeric_id_format",
    "text_encoding", "secret_hex_decoded", "secret_used_as_text", "key_message_swapped",
    "uppercase_hex", "base64_instead_of_hex", "hex_instead_of_base64", "stale_timestamp",
    "future_timestamp", "milliseconds_timestamp", "timestamp_missing", "ambiguous_concatenation",
]


def check_coverage(files):
    errors = {c["error"] for f in files for c in f.errors}
    rejections = {c["expected"].get("error") for f in files for c in f.verify}
    causes = {x for f in files for c in f.explain for x in c["expected"]["includes"]}
    by_name = {f.name: f for f in files}
    assert set(ERROR_CODES) <= {c["error"] for c in by_name["errors.json"].errors} | \
        {c["error"] for c in by_name["keyring.json"].errors} | \
        {c["error"] for c in by_name["freshness.json"].errors}, "input error code missing"
    assert set(ERROR_CODES) <= errors
    assert errors <= set(ERROR_CODES), errors - set(ERROR_CODES)
    assert set(REJECTION_CODES) <= rejections, set(REJECTION_CODES) - rejections
    assert set(CAUSE_CODES) == causes, set(CAUSE_CODES) ^ causes
    for name in PRESETS:
        assert f"{name}.json" in by_name


# =============================================================================
# 4. Writing and --check
# =============================================================================


# =============================================================================
# The packed-batch protocol (the fast lane's batch call), version 1
# =============================================================================
#
# testdata/vectors/packed/lane-v1.json: how a batch of identities is laid out as bytes (the
# lengths layout, and the lines layout where it applies), and what each item signs to. Every
# language's encoder packs `items` and must produce `data_hex` / `lengths_hex` (and `lines_hex`);
# its decoder reads the lane's answer and must find `expect`. `raw` cases give bytes no encoder
# makes (not UTF-8, malformed) and what the lane answers for them.

PACKED_DIR = VECTORS_DIR / "packed"
PACKED_NAME = "lane-v1.json"
ABSENT_LENGTH = 0xFFFFFFFF
FIELD_CODES = {"user_id": 0, "email": 1, "user_id_and_email": 2}


def packed_fields_of(fields, user_id, email):
    if fields == "user_id":
        return [user_id]
    if fields == "email":
        return [email]
    return [user_id, email]


def pack_lengths(fields, items):
    data, lengths = b"", b""
    for user_id, email in items:
        for value in packed_fields_of(fields, user_id, email):
            if value is None:
                lengths += ABSENT_LENGTH.to_bytes(4, "little")
            else:
                encoded = value.encode()
                data += encoded
                lengths += len(encoded).to_bytes(4, "little")
    return data, lengths


def pack_lines(fields, items):
    """The lines layout, or None when a field is absent or holds a newline."""
    values = [v for user_id, email in items for v in packed_fields_of(fields, user_id, email)]
    if any(v is None or "\n" in v for v in values):
        return None
    return "\n".join(values).encode()


def item_outcome(scheme, secret, fields, user_id, email, at):
    """What the item signs to, as the batch sees it (absent fields stay absent)."""
    chosen = packed_fields_of(fields, user_id, email)
    uid = chosen[0] if fields in ("user_id", "user_id_and_email") else None
    mail = chosen[-1] if fields in ("email", "user_id_and_email") else None
    try:
        return {"token": sign(scheme, secret, uid, mail, at)}
    except UserhashError as error:
        return {"error": error.code}


def packed_file():
    secret = "5ec2e7"
    long_id = "x" * (MAX_IDENTIFIER_BYTES + 1)
    awkward = [
        ("42", None), ("nul\u0000inside", "ada@example.com"), ("new\nline\r\n", None),
        ("Zoë ✓ 😀", None), ("", None), (None, None), (None, "ada@example.com"),
        (long_id, None), (" 42 ", ""), ("x" * MAX_IDENTIFIER_BYTES, "ada@example.com"),
    ]
    plain = [("1", None), ("user-2", None), ("ümlaut", None), ("", None)]
    cases = []
    for scheme, at in (("intercom", None), ("helpshift", None), ("help-scout", None),
                       ("jimo", TYPICAL_TS)):
        for fields in ("user_id", "email", "user_id_and_email"):
            for name, items in (("awkward", awkward), ("plain", plain), ("empty", [])):
                if fields == "email":
                    items = [(None, u) for u, e in items] if name != "awkward" else items
                data, lengths = pack_lengths(fields, items)
                lines = pack_lines(fields, items)
                case_id = f"packed-{scheme}-{fields.replace('_', '-')}-{name}"
                register_id(case_id)
                cases.append({
                    "id": case_id, "source": COMPUTED, "scheme": scheme, "secret": secret,
                    "at": at, "fields": fields, "field_code": FIELD_CODES[fields],
                    "items": [{"user_id": u, "email": e} for u, e in items],
                    "data_hex": data.hex(), "lengths_hex": lengths.hex(),
                    "lines_hex": None if lines is None else lines.hex(),
                    "expect": [item_outcome(scheme, secret, fields, u, e, at) for u, e in items],
                })
    raw = [
        ("packed-raw-not-utf8", "user_id", "ff" + "6869", "01000000" + "02000000",
         [{"error": "not_utf8"}, {"token": sign("intercom", secret, "hi", None)}]),
        ("packed-raw-absent-is-unidentified", "user_id", "", "ffffffff", [{"error": "unidentified"}]),
        ("packed-raw-lengths-short", "user_id", "616263", "02000000", "malformed_batch"),
        ("packed-raw-lengths-long", "user_id", "61", "02000000", "malformed_batch"),
        ("packed-raw-half-a-length", "user_id", "61", "010000", "malformed_batch"),
        ("packed-raw-half-an-item", "user_id_and_email", "61", "01000000", "malformed_batch"),
        ("packed-raw-lengths-overflow", "user_id", "61", "feffffff" + "03000000", "malformed_batch"),
        ("packed-raw-unknown-fields", 3, "61", "01000000", "malformed_batch"),
    ]
    raw_cases = []
    for case_id, fields, data_hex, lengths_hex, expect in raw:
        register_id(case_id)
        raw_cases.append({
            "id": case_id, "source": COMPUTED, "scheme": "intercom", "secret": secret,
            "field_code": FIELD_CODES.get(fields, fields) if isinstance(fields, str) else fields,
            "data_hex": data_hex, "lengths_hex": lengths_hex,
            "expect": expect if isinstance(expect, list) else {"error": expect},
        })
    return {
        "about": "The fast lane's packed-batch protocol, version 1: how identities are packed "
                 "(lengths and lines layouts) and what each item signs to. "
                 "Format: testdata/vectors/README.md.",
        "generator": GENERATOR,
        "protocol": 1,
        "absent_length": ABSENT_LENGTH,
        "cases": cases,
        "raw": raw_cases,
    }


def render_packed():
    return json.dumps(packed_file(), indent=2, ensure_ascii=False) + "\n"



def render(vector_file):
    return json.dumps(vector_file.to_json(), indent=2, ensure_ascii=False) + "\n"


def owned_by_this_script(path):
    """False for the files another generator writes (the JWT vectors: generate_jwt_vectors.py)."""
    try:
        generator = json.loads(path.read_text(encoding="utf-8")).get("generator")
    except (OSError, ValueError):
        return True
    return generator in (None, GENERATOR)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="regenerate in memory; exit 1 if any file on disk differs")
    args = parser.parse_args()

    files = all_files()
    rendered = {f.name: render(f) for f in files}
    packed = render_packed()
    packed_path = PACKED_DIR / PACKED_NAME
    existing = {p.name for p in VECTORS_DIR.glob("*.json") if owned_by_this_script(p)} \
        if VECTORS_DIR.exists() else set()

    if args.check:
        stale = False
        for name, text in rendered.items():
            path = VECTORS_DIR / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"differs: testdata/vectors/{name}", file=sys.stderr)
                stale = True
        for name in sorted(existing - set(rendered)):
            print(f"not generated: testdata/vectors/{name}", file=sys.stderr)
            stale = True
        if not packed_path.exists() or packed_path.read_text(encoding="utf-8") != packed:
            print(f"differs: testdata/vectors/packed/{PACKED_NAME}", file=sys.stderr)
            stale = True
        if stale:
            print("vectors are stale: run python3 testdata/generate_vectors.py", file=sys.stderr)
            return 1
        print(f"ok: {len(rendered)} files, {len(ALL_IDS)} cases up to date")
        return 0

    VECTORS_DIR.mkdir(parents=True, exist_ok=True)
    for name in sorted(existing - set(rendered)):
        (VECTORS_DIR / name).unlink()  # a file this generator no longer produces
        print(f"removed testdata/vectors/{name}")
    for f in files:
        with open(VECTORS_DIR / f.name, "w", encoding="utf-8", newline="\n") as out:
            out.write(rendered[f.name])
        print(f"{f.name:28} sign {len(f.sign):3}  verify {len(f.verify):3}  "
              f"errors {len(f.errors):3}  explain {len(f.explain):3}  gate {len(f.gate):3}")
    PACKED_DIR.mkdir(parents=True, exist_ok=True)
    with open(packed_path, "w", encoding="utf-8", newline="\n") as out:
        out.write(packed)
    print(f"packed/{PACKED_NAME} written")
    print(f"wrote {len(files)} files, {len(ALL_IDS)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
