"""The scheme model of every hash scheme, in plain Python (standard library only): parse a
scheme, make a key, build the message, sign, decode a token, verify, gate. Written apart from
the Rust core, so that two implementations agree byte for byte."""

import base64
import hashlib
import hmac
from dataclasses import dataclass


# Limits and defaults of the scheme model.
U64_MAX = 2**64 - 1
MAX_IDENTIFIER_BYTES = 1024
DEFAULT_MAX_AGE = 3600
DEFAULT_MAX_FUTURE_SKEW = 300
# The ceilings of a freshness policy: above them (or below 0) the verifier refuses to be built.
MAX_AGE_CEILING = 30 * 24 * 3600
MAX_FUTURE_SKEW_CEILING = 3600


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
