"""The fast paths of :class:`userhash.Signer`: ``sign`` for one identity, ``sign_many`` for many.

Why (figures in docs/benchmarks.md): the generated ``sign`` converts its ``Identity`` field by
field into a buffer that Rust allocates and copies the token out of another, each step a ctypes
call wrapped in context managers, which costs about ten times the stdlib's ``hmac`` for one
identity and dominates any loop over many.

- ``sign`` calls the export ``sign_utf8``, which borrows the identifier as UTF-8 bytes. It is
  called the way the generated code calls every export — the same symbols, handles, call status
  and error lifting — minus the generic per-argument machinery: one ctypes call clones the
  signer's handle, one signs, one frees the token's buffer. Anything this path does not cover (a
  field that is not a ``str``, a ``str`` that is not valid Unicode, an argument that is not an
  ``Identity``) goes to the generated method, which raises exactly as before. If the generated
  module ever lays out these internals differently, the fast path turns itself off and every call
  takes the generated route (a test fails then, so it does not go unnoticed).
- ``sign_many`` packs the whole batch into one UTF-8 buffer and one buffer of lengths with C
  loops (``str.join``, ``str.encode``, ``array``), makes one call to the export ``sign_packed``
  (which signs on every core), and splits the returned text with ``str.split``.

No signing rule lives here: both exports sign with the Rust core.
"""

from __future__ import annotations

import ctypes
import os
import sys
from array import array
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, List, Literal, NoReturn, Optional, Tuple, Union, overload

from ._ffi import userhash as _generated
from ._ffi.userhash import ErrorCode, Identity, PackedFields, UserHashError

__all__ = ["Signer"]


class _Utf8Bytes(ctypes.Structure):
    """uniffi's ForeignBytes (i32 length, pointer) with the pointer typed ``c_char_p``, so a
    ``bytes`` object is passed as it is, without ``ctypes.cast``; the struct keeps it alive."""

    _fields_ = [("len", ctypes.c_int32), ("data", ctypes.c_char_p)]


def _native_sign_utf8() -> Optional[Callable[..., Any]]:
    """The ctypes function for ``Signer.sign_utf8``, or None when the generated module's
    internals are not the ones this was written against (uniffi 0.32)."""
    try:
        lib = _generated._UniffiLib
        foreign = _generated._UniffiForeignBytes
        status_type = _generated._UniffiRustCallStatus
        buffer_type = _generated._UniffiRustBuffer
        generated = lib.uniffi_userhash_ffi_fn_method_signer_sign_utf8
        leading = (ctypes.c_uint64, foreign, foreign, ctypes.c_uint8)
        same_bytes_layout = [(name, ctypes.sizeof(kind)) for name, kind in foreign._fields_] == [
            (name, ctypes.sizeof(kind)) for name, kind in _Utf8Bytes._fields_
        ]
        if (
            tuple(generated.argtypes[:4]) != leading
            or len(generated.argtypes) != 5
            or generated.restype is not buffer_type
            or not same_bytes_layout
            or not callable(getattr(_generated, "_uniffi_check_call_status", None))
            or not hasattr(lib, "uniffi_userhash_ffi_fn_clone_signer")
            or not hasattr(lib, "ffi_userhash_ffi_rustbuffer_free")
        ):
            return None
        function = lib._FuncPtr(("uniffi_userhash_ffi_fn_method_signer_sign_utf8", lib))
        function.argtypes = (
            ctypes.c_uint64,
            _Utf8Bytes,
            _Utf8Bytes,
            ctypes.c_uint8,
            ctypes.POINTER(status_type),
        )
        function.restype = buffer_type
        return function  # type: ignore[no-any-return]
    except (AttributeError, TypeError):
        return None


_SIGN_UTF8 = _native_sign_utf8()
#: True when ``Signer.sign`` takes the fast path (the tests check that it does).
FAST_SIGN = _SIGN_UTF8 is not None
_NO_BYTES = _Utf8Bytes(0, None)
# `sign_utf8`'s `present` bits.
_PRESENT_USER_ID = 1
_PRESENT_EMAIL = 2
# The packed length of an absent field (`packed_absent_length()`).
_ABSENT = 0xFFFFFFFF
_LENGTH_TYPECODE = next(code for code in "IL" if array(code).itemsize == 4)
# Per error code name (`empty_field`), the exception class `sign` raises for it.
_VARIANT_OF_CODE: Dict[str, type] = {
    code.name.lower(): getattr(UserHashError, "".join(w.title() for w in code.name.split("_")))
    for code in ErrorCode
}


def _field_bytes(value: object) -> Optional[_Utf8Bytes]:
    """A str field as borrowed UTF-8; None when only the generated path can handle it."""
    if type(value) is not str:
        return None
    try:
        data = value.encode()
    except UnicodeEncodeError:
        return None
    return _Utf8Bytes(len(data), data)


def _sign_fast(signer: _generated.Signer, identity: Identity) -> Optional[str]:
    """The token through ``sign_utf8``, or None when this identity needs the generated path."""
    present = 0
    user_id = email = _NO_BYTES
    if identity.user_id is not None:
        field = _field_bytes(identity.user_id)
        if field is None:
            return None
        user_id, present = field, _PRESENT_USER_ID
    if identity.email is not None:
        field = _field_bytes(identity.email)
        if field is None:
            return None
        email, present = field, present | _PRESENT_EMAIL
    lib = _generated._UniffiLib
    status = _generated._UniffiRustCallStatus()
    check = _generated._uniffi_check_call_status
    handle = lib.uniffi_userhash_ffi_fn_clone_signer(signer._handle, ctypes.byref(status))
    if status.code:
        check(None, status)
    # The call takes ownership of the cloned handle, whatever its outcome.
    assert _SIGN_UTF8 is not None
    token = _SIGN_UTF8(handle, user_id, email, present, ctypes.byref(status))
    if status.code:
        check(_generated._UniffiFfiConverterTypeUserHashError, status)
    try:
        return ctypes.string_at(token.data, token.len).decode()
    finally:
        lib.ffi_userhash_ffi_rustbuffer_free(token, ctypes.byref(status))


_GENERATED_SIGN = _generated.Signer.sign


class Signer(_generated.Signer):
    __doc__ = _generated.Signer.__doc__

    def sign(self, identity: Identity) -> str:
        if FAST_SIGN and type(identity) is Identity:
            token = _sign_fast(self, identity)
            if token is not None:
                return token
        return _GENERATED_SIGN(self, identity)

    sign.__doc__ = _GENERATED_SIGN.__doc__

    @overload
    def sign_many(
        self,
        items: Iterable[Union[str, Identity]],
        *,
        field: Literal["user_id", "email"] = "user_id",
        on_error: Literal["raise"] = "raise",
    ) -> List[str]: ...

    @overload
    def sign_many(
        self,
        items: Iterable[Union[str, Identity]],
        *,
        field: Literal["user_id", "email"] = "user_id",
        on_error: Literal["none"],
    ) -> List[Optional[str]]: ...

    def sign_many(
        self,
        items: Iterable[Union[str, Identity]],
        *,
        field: Literal["user_id", "email"] = "user_id",
        on_error: Literal["raise", "none"] = "raise",
    ) -> Union[List[str], List[Optional[str]]]:
        """The tokens for many identities, in order: the tokens ``[signer.sign(i) for i in
        items]`` would give, for a fraction of the cost per item (the whole batch crosses to
        Rust as one buffer, is signed on every core, and comes back as one string).

        ``items`` is any iterable of :class:`Identity` objects and/or plain ``str`` values; a
        ``str`` is the user id (``field="user_id"``, the default) or the email
        (``field="email"``) of an identity that has nothing else. A batch of plain strings is
        the fastest.

        Bad items: with ``on_error="raise"`` (the default) the first item that cannot be signed
        raises the :class:`UserHashError` variant ``sign`` raises for it, its message prefixed
        with ``item <index>: ``; with ``on_error="none"`` such an item gets ``None`` in its slot
        and the others are signed. Under either, an item that is neither a ``str`` nor an
        ``Identity`` (or an ``Identity`` field that is neither ``str`` nor ``None``) raises
        ``TypeError``: a bug in the caller, not bad data. A ``str`` that is not valid Unicode
        (a lone surrogate) raises ``ValueError`` under ``"raise"`` and is ``None`` under
        ``"none"``. Timestamped schemes stamp each item with the clock as it is signed.

        >>> import userhash
        >>> signer = userhash.Signer(userhash.Scheme.by_name("intercom"), "secret")
        >>> signer.sign_many(["Message", userhash.Identity(user_id="Message")])[1][:16]
        'aa747c502a898200'
        >>> signer.sign_many(["42", ""], on_error="none")[1] is None
        True
        """
        if field not in ("user_id", "email"):
            raise ValueError(f"field must be 'user_id' or 'email', not {field!r}")
        if on_error not in ("raise", "none"):
            raise ValueError(f"on_error must be 'raise' or 'none', not {on_error!r}")
        batch = items if isinstance(items, list) else list(items)
        tokens: List[Optional[str]] = []
        failures: List[Tuple[int, str]] = []
        if len(batch) <= _CHUNK:
            if batch:
                self._sign_chunk(batch, 0, field, on_error, tokens, failures)
        else:
            self._sign_pipelined(batch, field, on_error, tokens, failures)
        if failures:
            if on_error == "raise":
                index, code = failures[0]
                self._raise_for(index, batch[index], field, code)
            for index, _ in failures:
                tokens[index] = None
        return tokens

    def _sign_chunk(
        self,
        chunk: List[Any],
        start: int,
        field: str,
        on_error: str,
        tokens: List[Optional[str]],
        failures: List[Tuple[int, str]],
    ) -> None:
        """Signs one chunk in one call and appends its tokens and failures."""
        call, unencodable = _pack(chunk, field, on_error)
        _collect(call(self, 0), unencodable, start, len(chunk), tokens, failures)

    def _sign_pipelined(
        self,
        batch: List[Any],
        field: str,
        on_error: str,
        tokens: List[Optional[str]],
        failures: List[Tuple[int, str]],
    ) -> None:
        """Signs a large batch in chunks on a worker thread (the Rust call releases the GIL)
        while this thread packs the next chunk and splits the previous one's tokens: the
        Python-side work overlaps the signing instead of adding to it, and every buffer stays a
        few megabytes, whatever the batch's size."""
        starts = range(0, len(batch), _CHUNK)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="userhash-sign") as worker:
            pending = []
            for start in starts:
                call, unencodable = _pack(batch[start : start + _CHUNK], field, on_error)
                pending.append((start, unencodable, worker.submit(call, self, _PIPELINED_THREADS)))
                # Keep one chunk queued behind the one being signed, no more: memory stays flat.
                if len(pending) > 1:
                    done_start, unencodable, future = pending.pop(0)
                    count = min(_CHUNK, len(batch) - done_start)
                    _collect(future.result(), unencodable, done_start, count, tokens, failures)
            for done_start, unencodable, future in pending:
                count = min(_CHUNK, len(batch) - done_start)
                _collect(future.result(), unencodable, done_start, count, tokens, failures)

    def _raise_for(
        self, index: int, item: Union[str, Identity], field: str, code: str
    ) -> NoReturn:
        """Raises what ``sign`` raises for the item at ``index``, with the index in the
        message: the batch and ``sign`` share one implementation, so ``sign`` reproduces it."""
        if isinstance(item, Identity):
            identity = item
        elif field == "user_id":
            identity = Identity(user_id=item)
        else:
            identity = Identity(email=item)
        try:
            self.sign(identity)
        except UserHashError as error:
            raise type(error)(f"item {index}: {error}") from None
        raise _VARIANT_OF_CODE.get(code, UserHashError)(f"item {index}: {code}")


# A packed chunk: the call that signs it (given the signer and the most threads it may use, 0
# for one per core), and the indices of items that were not valid Unicode (packed as
# unidentified; under on_error="none" their slot becomes None).
_Packed = Tuple[Callable[[_generated.Signer, int], str], List[int]]
# Items per call to Rust in a large batch: big enough that the call's fixed cost vanishes, small
# enough that buffers stay in cache-friendly megabytes and the pipeline has work to overlap.
_CHUNK = 1 << 16


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Signing threads per chunk in a pipelined batch: every core but the one this thread needs to
# pack and split chunks meanwhile. With all cores signing, the two halves took turns: on 2 cores
# sign_many cost the sum of the halves measured alone (in one interleaved run, 248 ns per id with
# two signing threads and 200 with one; on that shared machine later runs overlap in the noise).
_PIPELINED_THREADS = max(1, _cores() - 1)


def _pack(chunk: List[Any], field: str, on_error: str) -> _Packed:
    return _pack_strings(chunk, field) or _pack_identities(chunk, field, on_error)


def _collect(
    text: str,
    unencodable: List[int],
    start: int,
    count: int,
    tokens: List[Optional[str]],
    failures: List[Tuple[int, str]],
) -> None:
    """Appends a chunk's tokens (``sign_packed``'s text: ``count`` token lines, then one
    ``!<index> <code>`` line per failed item) and its failures, as indices into the batch."""
    lines = text.split("\n")
    lines.pop()  # the text ends with a newline
    if len(lines) > count:
        for line in lines[count:]:
            index, code = line[1:].split(" ", 1)
            failures.append((start + int(index), code))
        del lines[count:]
    failures.extend((start + index, "unencodable") for index in unencodable)
    tokens.extend(lines)


def _lengths(values: Iterable[int]) -> bytes:
    """Unsigned 32-bit little-endian lengths, the layout ``sign_packed`` reads."""
    packed = array(_LENGTH_TYPECODE, values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _pack_strings(batch: List[Any], field: str) -> Optional[_Packed]:
    """A batch of plain str packed by C loops (str.join, str.encode, array); None when some
    item is not a str or not valid Unicode. Without a newline in any item (the usual case) the
    items go as lines, with no lengths to compute at all."""
    fields = PackedFields.USER_ID if field == "user_id" else PackedFields.EMAIL
    try:
        joined = "\n".join(batch)
        data = joined.encode()
    except (TypeError, UnicodeEncodeError):
        return None
    count = len(batch)
    if joined.count("\n") == count - 1:  # no item holds a newline: one line per item
        return (lambda signer, threads: signer.sign_lines(fields, data, count, threads)), []
    packed = "".join(batch).encode()
    if len(packed) == len(joined) - (count - 1):  # all ASCII: characters are bytes
        lengths = _lengths(map(len, batch))
    else:
        lengths = _lengths(len(item.encode()) for item in batch)
    return (lambda signer, threads: signer.sign_packed(fields, packed, lengths, threads)), []


def _pack_identities(batch: List[Any], field: str, on_error: str) -> _Packed:
    """Any mix of str and Identity, item by item, as (user id, email) pairs."""
    chunks: List[bytes] = []
    lengths: List[int] = []
    unencodable: List[int] = []
    for index, item in enumerate(batch):
        pair: Tuple[object, object]
        if type(item) is str:
            pair = (item, None) if field == "user_id" else (None, item)
        elif isinstance(item, Identity):
            pair = (item.user_id, item.email)
        else:
            raise TypeError(f"item {index}: expected str or Identity, not {type(item).__name__}")
        encoded: List[Optional[bytes]] = []
        for name, value in zip(("user_id", "email"), pair):
            if value is None:
                encoded.append(None)
            elif type(value) is str:
                try:
                    encoded.append(value.encode())
                except UnicodeEncodeError as error:
                    if on_error == "raise":
                        raise ValueError(
                            f"item {index}: text is not valid Unicode: it has a lone surrogate "
                            f"at index {error.start}, which UTF-8 cannot encode"
                        ) from None
                    # Packed as unidentified; its slot becomes None.
                    unencodable.append(index)
                    encoded = [None, None]
                    break
            else:
                raise TypeError(
                    f"item {index}: Identity.{name} must be str or None, "
                    f"not {type(value).__name__}"
                )
        for value in encoded:
            if value is None:
                lengths.append(_ABSENT)
            else:
                chunks.append(value)
                lengths.append(len(value))
    data, packed_lengths = b"".join(chunks), _lengths(lengths)
    fields = PackedFields.USER_ID_AND_EMAIL
    return (
        lambda signer, threads: signer.sign_packed(fields, data, packed_lengths, threads)
    ), unencodable
