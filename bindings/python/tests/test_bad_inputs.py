"""The bad-input matrix (testdata/bad-inputs.json; format: testdata/README.md) through the wheel.

Every row marked for ``python`` runs once: a bad input must raise the UserHashError variant of
exactly its code (text UTF-8 cannot encode must raise a ValueError), a tricky valid input must
give exactly its token or label, and no message may show a secret or the token. Rows marked
``known_bug`` are strict xfails. The file's own consistency is checked here too, since Python
can recompute every genuine token with nothing but its standard library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

import userhash
from userhash import Freshness, Identity, Keyring, Scheme, Signer, UserHashError, Verifier

Row = dict[str, Any]

MATRIX: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[3] / "testdata" / "bad-inputs.json").read_text(
        encoding="utf-8"
    )
)
CANARY: dict[str, str] = MATRIX["canary"]
LANGUAGES = {"rust", "python", "kotlin", "swift", "cli"}
OPERATIONS = {
    "scheme", "secret", "sign", "sign_at", "sign_guarded", "keyring", "signer", "verify", "verify_at",
    "explain_at", "sign_packed",
}
INPUTS = {
    "scheme", "secret", "keyring", "user_id", "email", "timestamp", "token", "now", "label",
    "max_age", "max_future_skew", "packed_data_hex", "packed_lengths_hex",
}


def text(value: Any) -> Optional[str]:
    """A text input: a string; null; `s` repeated; or UTF-16 code units, lone surrogates kept."""
    if value is None or isinstance(value, str):
        return value
    if "repeat" in value:
        return str(value["repeat"]) * int(value["count"])
    return "".join(chr(unit) for unit in value["utf16"])


def given(row: Row, key: str) -> Optional[str]:
    return text(row["inputs"].get(key))


def required(row: Row, key: str) -> str:
    value = given(row, key)
    assert value is not None, f"{row['id']}: no {key}"
    return value


def number(row: Row, key: str) -> Optional[int]:
    value: Optional[int] = row["inputs"].get(key)
    return value


def keys(row: Row) -> list[tuple[str, str]]:
    entries = row["inputs"].get("keyring") or []
    return [(text(entry["label"]) or "", text(entry["secret"]) or "") for entry in entries]


def identity(row: Row) -> Identity:
    return Identity(user_id=given(row, "user_id"), email=given(row, "email"))


def keyring(row: Row) -> Keyring:
    ring = Keyring(Scheme.parse(required(row, "scheme")))
    for label, secret in keys(row):
        ring = ring.with_key(label, secret)
    return ring


def verifier(row: Row) -> Verifier:
    default = userhash.default_freshness()
    max_age, max_skew = number(row, "max_age"), number(row, "max_future_skew")
    if max_age is None:
        max_age = default.max_age_seconds
    if max_skew is None:
        max_skew = default.max_future_skew_seconds
    freshness = Freshness(max_age_seconds=max_age, max_future_skew_seconds=max_skew)
    return Verifier(keyring(row), freshness)


def now(row: Row) -> int:
    value = number(row, "now")
    assert value is not None, f"{row['id']}: no now"
    return value


def run(row: Row) -> object:
    """The row's operation; what it returns when it does not raise."""
    operation, label = row["operation"], given(row, "label")
    if operation == "scheme":
        return Scheme.parse(required(row, "scheme"))
    if operation in ("secret", "sign", "sign_at", "sign_guarded"):
        signer = Signer(Scheme.parse(required(row, "scheme")), required(row, "secret"))
        if operation == "sign_guarded":
            return signer.with_jwt_input_guard().sign(identity(row))
        if operation == "sign":
            return signer.sign(identity(row))
        if operation == "sign_at":
            return signer.sign_at(identity(row), row["inputs"]["timestamp"])
        return signer
    if operation == "keyring":
        return verifier(row)
    if operation == "signer":
        return keyring(row).signer(required(row, "label"))
    if operation == "verify":
        return verifier(row).verify(identity(row), required(row, "token"), label)
    if operation == "verify_at":
        return verifier(row).verify_at(identity(row), required(row, "token"), now(row), label)
    if operation == "explain_at":
        return verifier(row).explain_at(identity(row), required(row, "token"), now(row), label)
    raise AssertionError(f"{row['id']}: unknown operation {operation}")


def hidden(row: Row) -> list[str]:
    """Every string the row treats as secret or as the token: none may reach a message."""
    texts = [CANARY["secret"], CANARY["hex"], CANARY["hex"].upper(), given(row, "secret") or ""]
    texts += [secret for _, secret in keys(row)]
    texts.append(given(row, "token") or "")
    return [t for t in texts if t]


def assert_hidden(row: Row, error: BaseException) -> None:
    for shown in (str(error), repr(error), *map(repr, error.args)):
        for secret in hidden(row):
            assert secret not in shown, f"{secret!r} shown in {shown!r}"


def python_rows() -> Iterator[Any]:
    for row in MATRIX["rows"]:
        if "python" in row["languages"]:
            bug = row.get("known_bug")
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            yield pytest.param(row, id=row["id"], marks=marks)


@pytest.mark.parametrize("row", list(python_rows()))
def test_row(row: Row) -> None:
    expect = row["expect"]
    if "error" in expect:
        with pytest.raises(UserHashError) as raised:
            run(row)
        error = raised.value
        assert userhash.error_code_name(userhash.error_code(error)) == expect["error"], str(error)
        assert type(error).code is userhash.error_code(error)  # type: ignore[attr-defined]
        assert_hidden(row, error)
    elif "host_error" in expect:
        assert expect["host_error"] == "unencodable_text"
        with pytest.raises(ValueError) as refused:
            run(row)
        # A UnicodeEncodeError would hold the whole string, a secret perhaps, in `.object`.
        assert type(refused.value) is ValueError, repr(refused.value)
        assert_hidden(row, refused.value)
    elif "token" in expect:
        assert run(row) == expect["token"]
    else:
        verified = run(row)
        assert isinstance(verified, userhash.Verified)
        assert verified.label == expect["label"]


def test_enough_rows_for_python() -> None:
    assert len(list(python_rows())) >= 70


def test_the_file_follows_its_format() -> None:
    ids = [row["id"] for row in MATRIX["rows"]]
    assert len(ids) == len(set(ids)) >= 30
    codes = {userhash.error_code_name(code) for code in userhash.ErrorCode}
    for row in MATRIX["rows"]:
        context = row["id"]
        assert row["operation"] in OPERATIONS, context
        assert set(row["inputs"]) <= INPUTS, context
        assert set(row["languages"]) <= LANGUAGES and row["languages"], context
        assert row["why"].endswith("."), context
        (outcome, value), = row["expect"].items()
        assert outcome in {"error", "token", "label", "host_error"}, context
        assert outcome != "error" or value in codes, context
        assert "cli_expect" not in row or "cli" in row["languages"], context
    # The config file's codes are the payload vectors' (testdata/vectors/payload.json).
    config_codes = {code for code in codes if code.startswith("config_")} | {"secret_unavailable"}
    assert codes - config_codes - {"clock_before_epoch"} <= {
        row["expect"].get("error") for row in MATRIX["rows"]
    }, "every reachable code has a row"


def reference_token(made: dict[str, Any]) -> str:
    key_text = text(made["key"]) or ""
    key = bytes.fromhex(key_text) if made["key_encoding"] == "hex" else key_text.encode()
    mac = hmac.new(key, (text(made["message"]) or "").encode(), hashlib.sha256).digest()
    written = mac.hex() if made["output"] == "hex" else base64.b64encode(mac).decode()
    return written + str(made.get("suffix", ""))


@pytest.mark.parametrize(
    "row", [row for row in MATRIX["rows"] if "token_from" in row], ids=lambda row: row["id"]
)
def test_genuine_tokens_are_plain_hmac(row: Row) -> None:
    """Each `token_from` recipe, run with the standard library, gives the row's token exactly."""
    token = row["expect"].get("token") or row["inputs"]["token"]
    assert reference_token(row["token_from"]) == token
