"""The model of `explain` for hashes: the readings of a token, a key and a subject under the
known mistakes, and the mistakes that reproduce a token."""

import unicodedata

from .hash_model import (
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_FUTURE_SKEW,
    DIGITS,
    build_keyring,
    decode_lower_hex,
    decode_strict_base64,
    decode_upper_hex,
    encode_mac,
    freshness_rejection,
    hmac_sha256,
    is_hex_secret,
    join_fields,
    parse_scheme,
    parse_timestamp,
    subject_fields,
    verify,
    with_timestamp,
)


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
