"""Arrow in, Arrow out: sign a whole column of user ids and/or emails at once.

Backfills sign every existing user where the table lives: a pyarrow table, a Polars or pandas
frame, Spark's Arrow batches. :func:`sign` takes the column as it is — anything that speaks the
Arrow PyCapsule protocol (``__arrow_c_array__``, or ``__arrow_c_stream__`` for chunked columns:
pyarrow arrays and chunked arrays, Polars series, pandas series) — and returns the tokens as a
pyarrow string array, null where a row cannot be signed.

The column's buffers are read in place by the native library through the Arrow C data interface
(crates/userhash-ffi/src/lane/arrow.rs): no Python object is made per row, the GIL is released
while Rust signs on every core, and the tokens come back as one Arrow array whose buffers Rust
filled. Needs pyarrow: ``pip install userhash[arrow]``.

    >>> import pyarrow as pa, userhash, userhash.arrow
    >>> signer = userhash.Signer(userhash.Scheme.by_name("intercom"), "secret")
    >>> tokens = userhash.arrow.sign(signer, pa.array(["Message", None]))
    >>> tokens[0].as_py()[:16], tokens[1].as_py()
    ('aa747c502a898200', None)
"""

from __future__ import annotations

import ctypes
from typing import Any, List, Literal, Optional, Tuple, Union, overload

try:
    import pyarrow as pa
except ImportError as error:  # pragma: no cover - the message is the point
    raise ImportError(
        "userhash.arrow needs pyarrow: pip install 'userhash[arrow]'"
    ) from error

from . import _lane

__all__ = ["sign"]

_c_int64, _c_void = ctypes.c_int64, ctypes.c_void_p


class _ArrowSchema(ctypes.Structure):
    """``struct ArrowSchema`` of the Arrow C data interface (filled by the library)."""

    _fields_ = [
        ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
        ("flags", _c_int64), ("n_children", _c_int64), ("children", _c_void),
        ("dictionary", _c_void), ("release", _c_void), ("private_data", _c_void),
    ]


class _ArrowArray(ctypes.Structure):
    """``struct ArrowArray`` of the Arrow C data interface (filled by the library)."""

    _fields_ = [
        ("length", _c_int64), ("null_count", _c_int64), ("offset", _c_int64),
        ("n_buffers", _c_int64), ("n_children", _c_int64), ("buffers", _c_void),
        ("children", _c_void), ("dictionary", _c_void), ("release", _c_void),
        ("private_data", _c_void),
    ]


# The one call: a batch, so through the library handle that releases the GIL.
_SIGN_ARROW = _lane._BULK.userhash_lane_sign_arrow
_SIGN_ARROW.argtypes = (
    ctypes.c_uint64, _c_void, _c_void, _c_void, _c_void, ctypes.c_uint32, ctypes.c_uint64,
    ctypes.c_uint32, _c_void, _c_void, _c_void, _c_void,
)
_SIGN_ARROW.restype = ctypes.c_char_p

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.argtypes = (ctypes.py_object, ctypes.c_char_p)
_capsule_pointer.restype = _c_void

_Column = Any
_Result = Union["pa.Array", "pa.ChunkedArray"]


@overload
def sign(
    signer: _lane.Signer,
    user_ids: Optional[_Column] = None,
    emails: Optional[_Column] = None,
    *,
    errors: Literal[False] = False,
    at: Optional[int] = None,
) -> _Result: ...


@overload
def sign(
    signer: _lane.Signer,
    user_ids: Optional[_Column] = None,
    emails: Optional[_Column] = None,
    *,
    errors: Literal[True],
    at: Optional[int] = None,
) -> Tuple[_Result, _Result]: ...


def sign(
    signer: _lane.Signer,
    user_ids: Optional[_Column] = None,
    emails: Optional[_Column] = None,
    *,
    errors: bool = False,
    at: Optional[int] = None,
) -> Union[_Result, Tuple[_Result, _Result]]:
    """The tokens for a column of user ids, of emails, or both (two columns of one length, row
    by row), as a pyarrow string array: each row's token exactly as ``signer.sign`` gives it for
    that row's identity, or null where the row cannot be signed.

    A column is anything with ``__arrow_c_array__`` (the result is then a ``pyarrow.Array``) or
    ``__arrow_c_stream__`` (a ``pyarrow.ChunkedArray`` with the same chunks, each signed in
    place): pyarrow arrays, Polars series, pandas series with Arrow-backed strings. Anything
    else (a list, a NumPy-backed pandas column) goes through ``pyarrow.array`` first, which
    copies it. String types are ``utf8``, ``large_utf8`` and ``utf8_view``; a null value is an
    absent field, so with both columns a row with only an email signs the email.

    ``errors=True`` returns ``(tokens, codes)``: ``codes`` holds, for each row that could not be
    signed, its error code (``"empty_field"``, ``"unidentified"``, ``"identifier_too_long"``,
    the codes of :class:`userhash.ErrorCode`), and null for the rows that signed.

    Timestamped and JWT schemes stamp every row with one time: ``at`` (unix seconds), or the
    clock read once for the whole call.

    Raises the :class:`userhash.UserHashError` variant for what stops the whole call:
    ``NotUtf8`` for a binary column (userhash signs text: cast it to string if its bytes are
    UTF-8), ``MalformedBatch`` for a column of another type or two columns of different lengths,
    ``TimestampNotApplicable`` for ``at`` with a scheme whose tokens carry no time.
    """
    if user_ids is None and emails is None:
        raise TypeError("sign() needs a column of user ids, of emails, or both")
    if not isinstance(signer, _lane.Signer):
        raise TypeError(f"signer must be a userhash.Signer, not {type(signer).__name__}")
    handle = _lane._lane_handle(signer)
    if at is None:
        time = _lane._BATCH_TIME(handle)
        if time[:1] == b"!":
            _lane._fail(time)
        at_value, has_at = (int(time), 1) if time else (0, 0)
    else:
        if type(at) is not int or not 0 <= at < 1 << 64:
            raise ValueError(f"at must be unix seconds, an int in the u64 range, not {at!r}")
        at_value, has_at = at, 1
    columns = [_column(values) for values in (user_ids, emails)]
    if all(isinstance(column, pa.Array) for column in columns if column is not None):
        tokens, codes = _sign_chunk(handle, columns[0], columns[1], at_value, has_at, errors)
        return (tokens, codes) if errors else tokens
    pieces = _aligned([_chunked(column) for column in columns])
    signed = [
        _sign_chunk(handle, user_id, email, at_value, has_at, errors) for user_id, email in pieces
    ]
    tokens_chunked = _chunks([chunk for chunk, _ in signed])
    if not errors:
        return tokens_chunked
    return tokens_chunked, _chunks([chunk for _, chunk in signed])


def _column(values: Optional[_Column]) -> Optional[Union["pa.Array", "pa.ChunkedArray"]]:
    """A column as a pyarrow Array (it has ``__arrow_c_array__``) or ChunkedArray (a stream),
    sharing its buffers; other values go through ``pyarrow.array``."""
    if values is None or isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if hasattr(values, "__arrow_c_array__"):
        return pa.array(values)
    if hasattr(values, "__arrow_c_stream__"):
        return pa.chunked_array(values)
    return pa.array(values)


def _chunked(column: Optional[Union["pa.Array", "pa.ChunkedArray"]]) -> Optional["pa.ChunkedArray"]:
    if column is None or isinstance(column, pa.ChunkedArray):
        return column
    return pa.chunked_array([column], type=column.type)


def _aligned(
    columns: List[Optional["pa.ChunkedArray"]],
) -> List[Tuple[Optional["pa.Array"], Optional["pa.Array"]]]:
    """The two columns cut at the union of their chunk boundaries (zero-copy slices), so that
    each piece of one lines up with the same rows of the other."""
    present = [column for column in columns if column is not None]
    lengths = {len(column) for column in present}
    if len(lengths) > 1:
        user_ids, emails = present
        raise _lane._VARIANT_OF_CODE["malformed_batch"](
            f"malformed packed batch: {len(user_ids)} user ids and {len(emails)} emails: one of "
            "each per item"
        )
    cuts = sorted({0, *lengths, *(end for column in present for end in _ends(column))})
    return [
        tuple(  # type: ignore[misc]
            None if column is None else _concat(column.slice(start, end - start))
            for column in columns
        )
        for start, end in zip(cuts, cuts[1:])
    ] or [tuple(None if c is None else _concat(c) for c in columns)]  # type: ignore[misc]


def _ends(column: "pa.ChunkedArray") -> List[int]:
    ends, total = [], 0
    for chunk in column.chunks:
        total += len(chunk)
        ends.append(total)
    return ends


def _concat(piece: "pa.ChunkedArray") -> "pa.Array":
    """A slice within one chunk as that chunk's slice (no copy); an empty one as an empty array."""
    if piece.num_chunks == 1:
        return piece.chunk(0)
    non_empty = [chunk for chunk in piece.chunks if len(chunk)]
    return non_empty[0] if len(non_empty) == 1 else pa.array([], type=piece.type)


def _chunks(arrays: List[Any]) -> "pa.ChunkedArray":
    """Signed chunks as one chunked array: ``string``, or ``large_string`` when a chunk's values
    passed 2 GiB and the library wrote that chunk with 64-bit offsets."""
    kind = pa.large_string() if any(a.type == pa.large_string() for a in arrays) else pa.string()
    return pa.chunked_array([a if a.type == kind else a.cast(kind) for a in arrays], type=kind)


def _sign_chunk(
    handle: int,
    user_ids: Optional["pa.Array"],
    emails: Optional["pa.Array"],
    at: int,
    has_at: int,
    errors: bool,
) -> Tuple["pa.Array", Optional["pa.Array"]]:
    """One lane call over one chunk of each column: the tokens (and codes) as pyarrow arrays."""
    capsules = [None if column is None else column.__arrow_c_array__() for column in (user_ids, emails)]
    pointers: List[Optional[int]] = []
    for pair in capsules:
        if pair is None:
            pointers += [None, None]
        else:
            schema, array = pair
            pointers += [_capsule_pointer(schema, b"arrow_schema"), _capsule_pointer(array, b"arrow_array")]
    tokens_schema, tokens_array = _ArrowSchema(), _ArrowArray()
    codes_schema, codes_array = _ArrowSchema(), _ArrowArray()
    answer = _SIGN_ARROW(
        handle, *pointers, 0, at, has_at,
        ctypes.addressof(tokens_schema), ctypes.addressof(tokens_array),
        ctypes.addressof(codes_schema) if errors else None,
        ctypes.addressof(codes_array) if errors else None,
    )
    del capsules  # the inputs' capsules are released only after the call has returned
    if answer[:1] == b"!":
        _lane._fail(answer)
    # The imports take ownership: pyarrow calls each array's release when it is collected.
    tokens = pa.Array._import_from_c(ctypes.addressof(tokens_array), ctypes.addressof(tokens_schema))
    codes = None
    if errors:
        codes = pa.Array._import_from_c(ctypes.addressof(codes_array), ctypes.addressof(codes_schema))
    return tokens, codes
