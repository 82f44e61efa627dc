"""The packed protocol's shared vectors (testdata/vectors/packed/), as Kotlin's
PackedVectorsTest and Swift's PackedVectorsTests read them: this package's encoder packs each
case's items into the vector's bytes, and the lane's answers decode to each item's token or error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from userhash import Identity, Scheme, Signer, UserHashError
from userhash import _lane

PACKED = json.loads(
    (Path(__file__).resolve().parents[3] / "testdata/vectors/packed/lane-v1.json").read_text("utf-8")
)


@pytest.mark.parametrize("case", PACKED["cases"], ids=lambda case: case["id"])
def test_the_packed_protocol_vectors(case: dict[str, Any]) -> None:
    """The encoder packs each case's items into the vector's bytes, and the lane's answer,
    decoded, gives each item's token or error code."""
    field = {"user_id": "user_id", "email": "email", "user_id_and_email": "user_id"}[case["fields"]]
    items = [Identity(user_id=item["user_id"], email=item["email"]) for item in case["items"]]
    if case["fields"] == "user_id_and_email":
        packed = _lane._pack_identities(items, field, "none")
    else:
        strings = [item[case["fields"]] for item in case["items"]]
        if any(value is None for value in strings):
            pytest.skip("an absent field in a list of str: only the identity form carries it")
        packed = _lane._pack(strings, field, "none")
    assert packed.fields == case["field_code"]
    if packed.lengths is None:
        assert packed.data.hex() == case["lines_hex"], "lines layout"
    else:
        assert packed.data.hex() == case["data_hex"], "data"
        assert packed.lengths.hex() == case["lengths_hex"], "lengths"
    signer = Signer(Scheme.by_name(case["scheme"]), case["secret"])
    at, has_at = (case["at"], 1) if case["at"] is not None else (0, 0)
    tokens: list[Any] = []
    failures: list[Any] = []
    if packed.count:
        text = _lane._sign_packed(_lane._lane_handle(signer), packed, 0, at, has_at)
        _lane._collect(text, [], 0, packed.count, tokens, failures)
    got: list[dict[str, str]] = [{"token": token} for token in tokens]
    for index, code, _message in failures:
        got[index] = {"error": code}
    assert got == case["expect"]


@pytest.mark.parametrize("case", PACKED["raw"], ids=lambda case: case["id"])
def test_the_packed_protocol_raw_vectors(case: dict[str, Any]) -> None:
    """Bytes no encoder makes: the lane's answer for them, decoded."""
    signer = Signer(Scheme.by_name(case["scheme"]), case["secret"])
    data, lengths = bytes.fromhex(case["data_hex"]), bytes.fromhex(case["lengths_hex"])
    packed = _lane._Packed(case["field_code"], data, lengths, len(lengths) // 4, [])
    expect = case["expect"]
    if isinstance(expect, dict):
        with pytest.raises(getattr(UserHashError, "MalformedBatch")):
            _lane._sign_packed(_lane._lane_handle(signer), packed, 0, 0, 0)
        return
    tokens: list[Any] = []
    failures: list[Any] = []
    _lane._collect(_lane._sign_packed(_lane._lane_handle(signer), packed, 0, 0, 0), [], 0, len(expect), tokens, failures)
    got: list[dict[str, str]] = [{"token": token} for token in tokens]
    for index, code, _message in failures:
        got[index] = {"error": code}
    assert got == expect
