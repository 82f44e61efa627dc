"""userhash.arrow: Arrow columns in, Arrow tokens out, through the C data interface.

The shared vectors go through it as columns; nulls, slices, chunked and view-typed columns
(Polars' own layout) and pandas' Arrow-backed columns sign as ``Signer.sign`` does row by row;
binary and other non-string columns are refused with their typed error.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

pa = pytest.importorskip("pyarrow", reason="userhash.arrow needs pyarrow (userhash[arrow])")

import userhash  # noqa: E402
import userhash.arrow  # noqa: E402
from userhash import Identity, Scheme, Signer, UserHashError  # noqa: E402

VECTORS = Path(__file__).resolve().parents[3] / "testdata" / "vectors"
INTERCOM = Scheme.by_name("intercom")


def expected_row(signer: Signer, user_id: Optional[str], email: Optional[str]) -> Optional[str]:
    try:
        return signer.sign(Identity(user_id=user_id, email=email))
    except UserHashError:
        return None


def sign_cases() -> Dict[Tuple[str, str, Optional[int]], List[Dict[str, Any]]]:
    """Every vector that signs an identity with a bare signer (no attributes, no key id), grouped
    by what one call shares: scheme, secret and time. The error vectors of `sign` join their
    group with their code."""
    groups: Dict[Tuple[str, str, Optional[int]], List[Dict[str, Any]]] = defaultdict(list)
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        chosen = doc["sign"] + [c for c in doc["errors"] if c["operation"] == "sign"]
        for case in chosen:
            if case.get("attributes") is not None or case.get("key_id") is not None:
                continue
            groups[(case["scheme"], case["secret"], case["timestamp"])].append(case)
    return groups


def test_the_vectors_as_columns() -> None:
    groups = sign_cases()
    signed = errors = 0
    for (spec, secret, timestamp), cases in groups.items():
        try:
            signer = Signer(Scheme.parse(spec), secret)
        except UserHashError:
            continue  # a scheme or secret error: not a signing vector
        user_ids = pa.array([case["user_id"] for case in cases], type=pa.string())
        emails = pa.array([case["email"] for case in cases], type=pa.string())
        try:
            tokens, codes = userhash.arrow.sign(signer, user_ids, emails, errors=True, at=timestamp)
        except UserHashError as whole:
            # What stops a whole call (a time for a scheme without one) is every case's error.
            code = userhash.error_code_name(userhash.error_code(whole))
            assert all(case.get("error") == code for case in cases), (code, cases)
            errors += len(cases)
            continue
        for case, token, code in zip(cases, tokens.to_pylist(), codes.to_pylist()):
            if "expected" in case:
                assert (token, code) == (case["expected"], None), case["id"]
                signed += 1
            else:
                assert (token, code) == (None, case["error"]), case["id"]
                errors += 1
    assert signed > 200 and errors > 50, (signed, errors)


def test_nulls_slices_and_both_columns() -> None:
    signer = Signer(Scheme.by_name("helpshift"), "5ec2e7")
    ids = ["skip", "42", None, "7", "", None]
    emails = [None, "a@x", None, None, "b@y", "c@z"]
    tokens, codes = userhash.arrow.sign(
        signer, pa.array(ids).slice(1), pa.array(emails).slice(1), errors=True
    )
    assert tokens.to_pylist() == [expected_row(signer, u, e) for u, e in zip(ids[1:], emails[1:])]
    assert codes.to_pylist() == [None, "unidentified", None, "empty_field", None]
    assert tokens.null_count == 2 and tokens.type == pa.string()
    # One column alone; a sliced window of a larger array.
    intercom = Signer(INTERCOM, "secret")
    window = pa.array([f"user-{i}" for i in range(10_000)]).slice(3_333, 5_000)
    assert userhash.arrow.sign(intercom, window).to_pylist() == intercom.sign_many(
        window.to_pylist()
    )
    emails_only = userhash.arrow.sign(intercom, emails=pa.array(["ada@example.com", None]))
    assert emails_only.to_pylist() == [expected_row(intercom, None, "ada@example.com"), None]


@pytest.mark.parametrize("kind", ["string", "large_string", "string_view"])
def test_each_string_layout(kind: str) -> None:
    signer = Signer(INTERCOM, "secret")
    values = ["short", None, "a user id well over twelve bytes long", "ünïcödé", ""]
    column = pa.array(values, type=getattr(pa, kind)())
    assert userhash.arrow.sign(signer, column).to_pylist() == [
        expected_row(signer, value, None) for value in values
    ]


def test_chunked_columns_keep_their_chunks_and_line_up() -> None:
    signer = Signer(Scheme.by_name("helpshift"), "5ec2e7")
    ids = pa.chunked_array([["1", "2", "3"], ["4"], ["5", "6"]])
    emails = pa.chunked_array([["a", "b"], ["c", "d", "e", "f"]])
    tokens = userhash.arrow.sign(signer, ids, emails)
    assert isinstance(tokens, pa.ChunkedArray)
    assert tokens.to_pylist() == [
        expected_row(signer, u, e) for u, e in zip(ids.to_pylist(), emails.to_pylist())
    ]
    one = userhash.arrow.sign(signer, ids)
    assert [len(chunk) for chunk in one.chunks] == [3, 1, 2]
    empty = userhash.arrow.sign(signer, pa.chunked_array([], type=pa.string()))
    assert len(empty) == 0


def test_polars_and_pandas_columns() -> None:
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    signer = Signer(INTERCOM, "secret")
    values = ["42", None, "a user id well over twelve bytes long"]
    expected = [expected_row(signer, value, None) for value in values]
    # Polars hands over its own layout (utf8_view) through __arrow_c_stream__.
    tokens = userhash.arrow.sign(signer, pl.Series("user_id", values))
    assert tokens.to_pylist() == expected
    assert pl.from_arrow(tokens).to_list() == expected
    for dtype in ("string[pyarrow]", pd.ArrowDtype(pa.string()), pd.ArrowDtype(pa.large_string())):
        series = pd.Series(values, dtype=dtype)
        assert userhash.arrow.sign(signer, series).to_pylist() == expected, dtype
    # Anything else goes through pyarrow.array (a copy): a list, an object column.
    assert userhash.arrow.sign(signer, values).to_pylist() == expected
    assert userhash.arrow.sign(signer, pd.Series(values, dtype=object)).to_pylist() == expected


def test_one_time_per_call_for_timestamped_schemes() -> None:
    jimo = Signer(Scheme.by_name("jimo"), "5ec2e7")
    ids = pa.chunked_array([[f"u{i}" for i in range(5000)], ["last"]])
    stamped = userhash.arrow.sign(jimo, ids, at=1_741_761_604)
    assert stamped[0].as_py() == jimo.sign_at(Identity(user_id="u0"), 1_741_761_604)
    now = userhash.arrow.sign(jimo, ids).to_pylist()
    assert len({token.rsplit("-", 1)[1] for token in now}) == 1
    with pytest.raises(UserHashError.TimestampNotApplicable):
        userhash.arrow.sign(Signer(INTERCOM, "s"), ids, at=5)


def test_what_cannot_be_signed_is_refused_with_its_type() -> None:
    signer = Signer(INTERCOM, "my-secret-value")
    with pytest.raises(UserHashError.NotUtf8) as raised:
        userhash.arrow.sign(signer, pa.array([b"42", b"\xff"]))
    assert "binary" in str(raised.value) and "my-secret-value" not in str(raised.value)
    for column in (pa.array([b"42"], type=pa.large_binary()), pa.array([b"42"], type=pa.binary_view())):
        with pytest.raises(UserHashError.NotUtf8):
            userhash.arrow.sign(signer, column)
    with pytest.raises(UserHashError.MalformedBatch, match='type "l"'):
        userhash.arrow.sign(signer, pa.array([1, 2]))
    with pytest.raises(UserHashError.MalformedBatch, match="dictionary"):
        userhash.arrow.sign(signer, pa.array(["a", "a"]).dictionary_encode())
    with pytest.raises(UserHashError.MalformedBatch, match="2 user ids and 1 emails"):
        userhash.arrow.sign(signer, pa.array(["a", "b"]), pa.array(["e"]))
    with pytest.raises(UserHashError.MalformedBatch, match="2 user ids and 1 emails"):
        userhash.arrow.sign(signer, pa.chunked_array([["a", "b"]]), pa.chunked_array([["e"]]))
    with pytest.raises(TypeError):
        userhash.arrow.sign(signer)
    with pytest.raises(ValueError):
        userhash.arrow.sign(signer, pa.array(["a"]), at=-1)


def test_the_tokens_outlive_everything_else() -> None:
    # The result owns its buffers (released by pyarrow through the lane's release callback).
    signer = Signer(INTERCOM, "secret")
    tokens = userhash.arrow.sign(signer, pa.array([f"u{i}" for i in range(3000)]))
    expected = expected_row(signer, "u2999", None)
    del signer
    import gc

    gc.collect()
    assert tokens[2999].as_py() == expected
