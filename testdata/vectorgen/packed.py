"""The packed-batch protocol (the fast lane's batch call), version 1: packed/lane-v1.json."""

from .output import VECTORS_DIR
from .hash_model import MAX_IDENTIFIER_BYTES, UserhashError, sign
from .hash_cases import COMPUTED, GENERATOR, TYPICAL_TS, register_id


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
