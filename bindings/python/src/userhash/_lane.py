"""The fast lane: ``Signer.sign``, ``Signer.sign_many``, ``Verifier.verify`` / ``verify_at``,
``Gate.check`` / ``check_at`` and ``PayloadSigner.payload`` through the library's own small
native interface (crates/userhash-ffi/src/lane.rs), not uniffi's per-argument conversion.

Why (figures in docs/benchmarks.md): a generated call lowers every argument into a buffer Rust
allocates and lifts every result out of another, each step a ctypes call wrapped in context
managers: several microseconds, where the HMAC takes a fraction of one. A lane call is one ctypes
call with the arguments as borrowed UTF-8 and one text back.

What this module touches: the public names of the generated module (its classes, ``lane_handle``
and ``__file__``) and the lane's own symbols, ``userhash_lane_*``, in the same library file the
generated module loaded (``ctypes`` opens it again; the dynamic loader returns the same copy).
Nothing private of uniffi. Each object's lane handle comes from one generated call,
``lane_handle()``, the first time a hot call needs it, and is released with the object.

Errors: a failed lane call answers ``!<code> <message>``; :func:`_raise` is the one place that
turns it into the ``UserHashError`` variant the generated call would raise. Arguments this path
does not take (a field that is not a ``str``, text that is not valid Unicode, a time outside
``u64``) go to the generated method, which raises exactly as it always has.

No userhash rule lives here: every lane call runs the same core method as the generated one.
"""

from __future__ import annotations

import ctypes
import os
import sys
import weakref
from array import array
from concurrent.futures import ThreadPoolExecutor
from typing import (
    Any, Callable, Dict, Iterable, List, Literal, NamedTuple, NoReturn, Optional, Tuple, Union, overload,
)

from ._ffi import userhash as _generated
from ._ffi.userhash import (
    Attributes,
    Decision,
    Enforcement,
    ErrorCode,
    Identity,
    Outcome,
    PayloadEntry,
    UserHashError,
    VendorFailures,
    Verified,
)

__all__ = ["Gate", "Payload", "PayloadSigner", "Signer", "Verifier", "generated_calls"]

#: The lane protocol this module speaks (``LANE_VERSION`` in lane.rs).
LANE_VERSION = 4


def _library_path() -> str:
    """The library file the generated module loaded: beside it, under the same name."""
    if sys.platform == "darwin":
        name = "libuserhash_ffi.dylib"
    elif sys.platform.startswith("win"):
        name = "userhash_ffi.dll"
    else:
        name = "libuserhash_ffi.so"
    return os.path.join(os.path.dirname(_generated.__file__), name)


# Small calls hold the GIL (PyDLL): they take well under a microsecond, less than releasing and
# taking back the GIL would. Batches release it (CDLL), so other threads run meanwhile.
_SMALL = ctypes.PyDLL(_library_path())
_BULK = ctypes.CDLL(_library_path())

_u64, _u32, _size, _text = ctypes.c_uint64, ctypes.c_uint32, ctypes.c_size_t, ctypes.c_char_p
_SMALL.userhash_lane_version.restype = _u32
_SMALL.userhash_lane_generated_calls.restype = _u64
_SMALL.userhash_lane_release.argtypes = (_u64,)
_SMALL.userhash_lane_release.restype = None
_SIGN = _SMALL.userhash_lane_sign
_SIGN.argtypes = (_u64, _text, _size, _text, _size)
_SIGN.restype = _text
_BATCH_TIME = _SMALL.userhash_lane_batch_time
_BATCH_TIME.argtypes = (_u64,)
_BATCH_TIME.restype = _text
_VERIFY = _SMALL.userhash_lane_verify
_CHECK = _SMALL.userhash_lane_check
for _function in (_VERIFY, _CHECK):
    _function.argtypes = (_u64, _text, _size, _text, _size, _text, _size, _text, _size, _u64, _u32)
    _function.restype = _text
_PAYLOAD = _SMALL.userhash_lane_payload
_PAYLOAD.argtypes = (_u64,) + (_text, _size) * 7 + (_u32, _u64, _u32, _u64, _u32, _u32)
_PAYLOAD.restype = _text
_PAYLOAD_UNKNOWN_VENDOR = _SMALL.userhash_lane_payload_unknown_vendor
_PAYLOAD_UNKNOWN_VENDOR.argtypes = (_u64, _text, _size)
_PAYLOAD_UNKNOWN_VENDOR.restype = _text
_ANSWER = _SMALL.userhash_lane_answer
_ANSWER.argtypes = (ctypes.POINTER(_size),)
_ANSWER.restype = ctypes.c_void_p
_SIGN_PACKED = _BULK.userhash_lane_sign_packed
_SIGN_PACKED.argtypes = (_u64, _u32, _text, _size, _text, _size, _u32, _u64, _u32, ctypes.POINTER(_size))
_SIGN_PACKED.restype = ctypes.c_void_p
_SIGN_LINES = _BULK.userhash_lane_sign_lines
_SIGN_LINES.argtypes = (_u64, _u32, _text, _size, _u64, _u32, _u64, _u32, ctypes.POINTER(_size))
_SIGN_LINES.restype = ctypes.c_void_p
_FREE = _BULK.userhash_lane_free
_FREE.argtypes = (ctypes.c_void_p, _size)
_FREE.restype = None

if _SMALL.userhash_lane_version() != LANE_VERSION:
    raise ImportError(
        f"the userhash native library speaks lane version {_SMALL.userhash_lane_version()}, "
        f"this package version {LANE_VERSION}: reinstall userhash"
    )


def generated_calls() -> int:
    """How many calls of uniffi's generated exports of Signer, Verifier and Gate the process has
    made: the guard tests check that a hot call adds none."""
    return int(_SMALL.userhash_lane_generated_calls())


# --- The one failure re-raise -------------------------------------------------------------------

_VARIANT_OF_CODE: Dict[str, type] = {
    code.name.lower(): getattr(UserHashError, "".join(w.title() for w in code.name.split("_")))
    for code in ErrorCode
}
_CODE_OF_NAME: Dict[str, ErrorCode] = {code.name.lower(): code for code in ErrorCode}
_OUTCOME_OF_NAME: Dict[str, Outcome] = {outcome.name.lower(): outcome for outcome in Outcome}
_ENFORCEMENT_OF_NAME: Dict[str, Enforcement] = {mode.name.lower(): mode for mode in Enforcement}


def _raise(code: str, message: str) -> NoReturn:
    """Raises what the generated call raises for a failure with this code and message."""
    variant = _VARIANT_OF_CODE.get(code)
    if variant is None:  # the lane's own codes: a bug, never bad input
        raise RuntimeError(f"userhash lane: {code}: {message}")
    raise variant(message) from None


def _fail(answer: bytes) -> NoReturn:
    code, _, message = answer[1:].decode("utf-8", "replace").partition(" ")
    _raise(code, message)


def _whole(answer: bytes) -> bytes:
    """A small call's answer, whole: ``?`` stands for a text holding a NUL, which the lane gives
    with its length instead (see lane/abi.rs)."""
    if answer != b"?":
        return answer
    size = _size()
    pointer = _ANSWER(ctypes.byref(size))
    return ctypes.string_at(pointer, size.value)


# --- Handles --------------------------------------------------------------------------------------


def _lane_handle(obj: Any) -> int:
    """The object's lane handle: made by its one generated ``lane_handle()`` call, the first time,
    and released when the object is collected."""
    try:
        return obj._userhash_lane  # type: ignore[no-any-return]
    except AttributeError:
        handle = obj.lane_handle()
        obj._userhash_lane = handle
        weakref.finalize(obj, _SMALL.userhash_lane_release, handle)
        return handle  # type: ignore[no-any-return]


class _Generated(Exception):
    """This call's arguments are for the generated method (which raises as it always has)."""


#: The longest text one lane argument carries, in bytes: a 32-bit signed length, so that every
#: language's lane (a JVM array, ctypes, Swift) can carry it. Longer text is refused here, before
#: any native call, with the typed error of its argument — never truncated (issue 14 item 8).
MAX_TEXT_BYTES = (1 << 31) - 1
_TOO_LONG: Dict[str, str] = {
    "user_id": "identifier_too_long",
    "email": "identifier_too_long",
    "token": "malformed_token",
    "label": "invalid_label",
}


def _utf8(value: object, what: str) -> Optional[bytes]:
    """A text argument as UTF-8 (None stays None); _Generated for anything else."""
    if value is None:
        return None
    if type(value) is not str:
        raise _Generated
    # A str has at most as many characters as its UTF-8 has bytes: check before encoding.
    if len(value) > MAX_TEXT_BYTES:
        _too_long(what, len(value))
    try:
        encoded = value.encode()
    except UnicodeEncodeError:
        raise _Generated from None
    if len(encoded) > MAX_TEXT_BYTES:
        _too_long(what, len(encoded))
    return encoded


def _too_long(what: str, size: int) -> NoReturn:
    if what not in _TOO_LONG:  # an argument without a length limit of its own
        raise _Generated
    _raise(
        _TOO_LONG[what],
        f"the {what} is at least {size} bytes long; userhash carries at most "
        f"{MAX_TEXT_BYTES} bytes per value",
    )


def _size_of(value: Optional[bytes]) -> int:
    return 0 if value is None else len(value)


def _time(now: object) -> int:
    if type(now) is not int or not 0 <= now < 1 << 64:
        raise _Generated
    return now


# --- The hot calls --------------------------------------------------------------------------------

_GENERATED_SIGN = _generated.Signer.sign
_GENERATED_VERIFY = _generated.Verifier.verify
_GENERATED_VERIFY_AT = _generated.Verifier.verify_at
_GENERATED_CHECK = _generated.Gate.check
_GENERATED_CHECK_AT = _generated.Gate.check_at
_DEFAULT: Any = object()


def _given(**values: object) -> Dict[str, object]:
    """Optional arguments as the generated method takes them: left out when not given."""
    return {name: value for name, value in values.items() if value is not _DEFAULT}


def _read(answer: bytes, lines: int, fields: int) -> Tuple[List[str], List[Optional[str]]]:
    """Reads a lane text: `lines` plain lines, then `fields` fields (``-`` for none, or a byte
    length, a newline and the bytes); see lane.rs."""
    parts = answer.split(b"\n", lines)
    values, _ = _fields(parts.pop(), 0, fields)
    return [part.decode() for part in parts], values


def _fields(text: bytes, at: int, count: int) -> Tuple[List[Optional[str]], int]:
    """`count` fields of a lane text from `at` on, and where they end."""
    values: List[Optional[str]] = []
    for _ in range(count):
        end = text.index(b"\n", at)
        head = text[at:end]
        if head == b"-":
            values.append(None)
            at = end + 1
        else:
            at = end + 1 + int(head)
            values.append(text[end + 1 : at].decode())
    return values, at


def _claimed(flag: str, user_id: Optional[str], email: Optional[str]) -> Optional[Identity]:
    return Identity(user_id=user_id, email=email) if flag == "1" else None


# The usual tail of a verify or gate answer: no claimed identity, and no claims or message.
_NOTHING_CLAIMED_TEXT = "0\n-\n-\n-\n"


def _verified(answer: bytes) -> Verified:
    answer = _whole(answer)
    if answer[0] == 33:  # "!"
        _fail(answer)
    label, fingerprint, timestamp, rest = answer.decode().split("\n", 3)
    if rest == _NOTHING_CLAIMED_TEXT:  # a hash's answer: three lines and nothing more
        return Verified(
            label=label,
            fingerprint=fingerprint,
            timestamp=int(timestamp) if timestamp else None,
            claims=None,
            claimed_identity=None,
        )
    (label, fingerprint, timestamp, claimed), (user_id, email, claims) = _read(answer, 4, 3)
    return Verified(
        label=label,
        fingerprint=fingerprint,
        timestamp=int(timestamp) if timestamp else None,
        claims=claims,
        claimed_identity=_claimed(claimed, user_id, email),
    )


def _decision(answer: bytes) -> Decision:
    answer = _whole(answer)
    if answer[0] == 33:  # "!"
        _fail(answer)
    allowed, would_deny, outcome, enforcement, label, code, rest = answer.decode().split("\n", 6)
    if rest == _NOTHING_CLAIMED_TEXT:  # no claimed identity, no message: six lines and no more
        return Decision(
            allowed=allowed == "1",
            outcome=_OUTCOME_OF_NAME[outcome],
            enforcement=_ENFORCEMENT_OF_NAME[enforcement],
            label=label or None,
            error_code=_CODE_OF_NAME[code] if code else None,
            error_message=None,
            would_deny_when_enforced=would_deny == "1",
            claimed_identity=None,
        )
    lines, (user_id, email, message) = _read(answer, 7, 3)
    allowed, would_deny, outcome, enforcement, label, code, claimed = lines
    return Decision(
        allowed=allowed == "1",
        outcome=_OUTCOME_OF_NAME[outcome],
        enforcement=_ENFORCEMENT_OF_NAME[enforcement],
        label=label or None,
        error_code=_CODE_OF_NAME[code] if code else None,
        error_message=message,
        would_deny_when_enforced=would_deny == "1",
        claimed_identity=_claimed(claimed, user_id, email),
    )


class Verifier(_generated.Verifier):
    __doc__ = _generated.Verifier.__doc__

    def verify(self, identity: Identity, token: str, label: Optional[str] = _DEFAULT) -> Verified:
        try:
            if type(identity) is not Identity or type(token) is not str:
                raise _Generated
            user_id, email, token_bytes = _utf8(identity.user_id, "user_id"), _utf8(identity.email, "email"), _utf8(token, "token")
            label_bytes = None if label is _DEFAULT else _utf8(label, "label")
        except _Generated:
            return _GENERATED_VERIFY(self, identity, token, **_given(label=label))  # type: ignore[no-any-return]
        return _verified(_VERIFY(
            _lane_handle(self), user_id, _size_of(user_id), email, _size_of(email),
            token_bytes, _size_of(token_bytes), label_bytes, _size_of(label_bytes), 0, 0,
        ))

    def verify_at(
        self, identity: Identity, token: str, now: int, label: Optional[str] = _DEFAULT
    ) -> Verified:
        try:
            if type(identity) is not Identity or type(token) is not str:
                raise _Generated
            user_id, email, token_bytes = _utf8(identity.user_id, "user_id"), _utf8(identity.email, "email"), _utf8(token, "token")
            label_bytes = None if label is _DEFAULT else _utf8(label, "label")
            at = _time(now)
        except _Generated:
            return _GENERATED_VERIFY_AT(self, identity, token, now, **_given(label=label))  # type: ignore[no-any-return]
        return _verified(_VERIFY(
            _lane_handle(self), user_id, _size_of(user_id), email, _size_of(email),
            token_bytes, _size_of(token_bytes), label_bytes, _size_of(label_bytes), at, 1,
        ))

    verify.__doc__ = _GENERATED_VERIFY.__doc__
    verify_at.__doc__ = _GENERATED_VERIFY_AT.__doc__


class Gate(_generated.Gate):
    __doc__ = _generated.Gate.__doc__

    def check(
        self, identity: Identity, token: Optional[str] = _DEFAULT, label: Optional[str] = _DEFAULT
    ) -> Decision:
        try:
            if type(identity) is not Identity:
                raise _Generated
            user_id, email = _utf8(identity.user_id, "user_id"), _utf8(identity.email, "email")
            token_bytes = None if token is _DEFAULT else _utf8(token, "token")
            label_bytes = None if label is _DEFAULT else _utf8(label, "label")
        except _Generated:
            return _GENERATED_CHECK(self, identity, **_given(token=token, label=label))  # type: ignore[no-any-return]
        return _decision(_CHECK(
            _lane_handle(self), user_id, _size_of(user_id), email, _size_of(email),
            token_bytes, _size_of(token_bytes), label_bytes, _size_of(label_bytes), 0, 0,
        ))

    def check_at(
        self, identity: Identity, token: Optional[str], now: int, label: Optional[str] = _DEFAULT
    ) -> Decision:
        try:
            if type(identity) is not Identity:
                raise _Generated
            user_id, email, token_bytes = _utf8(identity.user_id, "user_id"), _utf8(identity.email, "email"), _utf8(token, "token")
            label_bytes = None if label is _DEFAULT else _utf8(label, "label")
            at = _time(now)
        except _Generated:
            return _GENERATED_CHECK_AT(self, identity, token, now, **_given(label=label))  # type: ignore[no-any-return]
        return _decision(_CHECK(
            _lane_handle(self), user_id, _size_of(user_id), email, _size_of(email),
            token_bytes, _size_of(token_bytes), label_bytes, _size_of(label_bytes), at, 1,
        ))

    check.__doc__ = _GENERATED_CHECK.__doc__
    check_at.__doc__ = _GENERATED_CHECK_AT.__doc__


# --- The payload ----------------------------------------------------------------------------------

_GENERATED_PAYLOAD = _generated.PayloadSigner.payload
# The wire codes of `email_verified` (absent, false, true) and of `failures`.
_VERIFIED_CODE = {None: 0, False: 1, True: 2}
_FAILURES_CODE = {VendorFailures.REPORT: 0, VendorFailures.RAISE: 1}


class PayloadSigner(_generated.PayloadSigner):
    __doc__ = _generated.PayloadSigner.__doc__

    def payload(
        self,
        identity: Identity,
        platform: str,
        attributes: Optional[Attributes] = _DEFAULT,
        at: Optional[int] = _DEFAULT,
        failures: Optional[VendorFailures] = _DEFAULT,
    ) -> _generated.Payload:
        try:
            if type(identity) is not Identity or type(platform) is not str:
                raise _Generated
            user_id, email = _utf8(identity.user_id, "user_id"), _utf8(identity.email, "email")
            platform_bytes = _utf8(platform, "platform")
            given = None if attributes is _DEFAULT else attributes
            if given is None:
                name = account_id = nonce = extra_claims = None
                verified, expires_in, has_expires_in = 0, 0, 0
            elif type(given) is Attributes:
                name, account_id = _utf8(given.name, "name"), _utf8(given.account_id, "account_id")
                nonce, extra_claims = _utf8(given.nonce, "nonce"), _utf8(given.extra_claims, "extra_claims")
                if given.email_verified is not None and type(given.email_verified) is not bool:
                    raise _Generated
                verified = _VERIFIED_CODE[given.email_verified]
                expires_in, has_expires_in = (0, 0) if given.expires_in is None else (_time(given.expires_in), 1)
            else:
                raise _Generated
            when, has_at = (0, 0) if at is _DEFAULT or at is None else (_time(at), 1)
            mode = 0 if failures is _DEFAULT or failures is None else _FAILURES_CODE.get(failures, -1)  # type: ignore[call-overload]
            if mode < 0:
                raise _Generated
        except _Generated:
            return _GENERATED_PAYLOAD(  # type: ignore[no-any-return]
                self, identity, platform, **_given(attributes=attributes, at=at, failures=failures)
            )
        answer = _whole(_PAYLOAD(
            _lane_handle(self), user_id, _size_of(user_id), email, _size_of(email),
            platform_bytes, _size_of(platform_bytes), name, _size_of(name),
            account_id, _size_of(account_id), nonce, _size_of(nonce),
            extra_claims, _size_of(extra_claims), verified, expires_in, has_expires_in,
            when, has_at, mode,
        ))
        if answer[0] == 33:  # "!"
            _fail(answer)
        return Payload._of(answer, self)

    payload.__doc__ = _GENERATED_PAYLOAD.__doc__


class Payload(_generated.Payload):
    """The payload of a lane call: the generated ``Payload``'s API, answered from the lane's text
    (no native object behind it, so no call of it crosses to Rust, except the error of a vendor
    it lacks)."""

    __doc__ = _generated.Payload.__doc__

    _json: str
    _platform: str
    _complete: bool
    _count: int
    _text: bytes
    _at: int
    _rows: Optional[List[List[Optional[str]]]]
    _signer: PayloadSigner

    @classmethod
    def _of(cls, answer: bytes, signer: PayloadSigner) -> "Payload":
        complete, count, text = answer.split(b"\n", 2)
        (json, platform), at = _fields(text, 0, 2)
        payload = cls.__new__(cls)
        payload._complete, payload._count = complete == b"1", int(count)
        payload._json, payload._platform = json or "", platform or ""
        payload._text, payload._at, payload._rows, payload._signer = text, at, None, signer
        return payload

    def __del__(self) -> None:
        pass  # no native object to free

    def _entries(self) -> List[List[Optional[str]]]:
        if self._rows is None:
            values, _ = _fields(self._text, self._at, 8 * self._count)
            self._rows = [values[start : start + 8] for start in range(0, len(values), 8)]
        return self._rows

    @staticmethod
    def _record(row: List[Optional[str]]) -> PayloadEntry:
        vendor, scheme, payload_key, token, user_id, email, code, message = row
        return PayloadEntry(
            vendor=vendor or "", scheme=scheme or "", payload_key=payload_key or "", token=token,
            user_id=user_id, email=email, error_code=_CODE_OF_NAME[code] if code else None,
            error_message=message,
        )

    def platform(self) -> str:
        return self._platform

    def to_json(self) -> str:
        return self._json

    def is_complete(self) -> bool:
        return self._complete

    def vendors(self) -> List[str]:
        return [row[0] or "" for row in self._entries()]

    def entries(self) -> List[PayloadEntry]:
        return [self._record(row) for row in self._entries()]

    def entry(self, vendor: str) -> PayloadEntry:
        if type(vendor) is not str:
            raise TypeError(f"vendor must be str, not {type(vendor).__name__}")
        for row in self._entries():
            if row[0] == vendor:
                return self._record(row)
        # The lane words the error, as the generated call would have.
        encoded = vendor.encode()
        _fail(_whole(_PAYLOAD_UNKNOWN_VENDOR(_lane_handle(self._signer), encoded, len(encoded))))

    def token(self, vendor: str) -> Optional[str]:
        return self.entry(vendor).token

    def payload_key(self, vendor: str) -> str:
        return self.entry(vendor).payload_key



for _name in ("platform", "to_json", "is_complete", "vendors", "entries", "entry", "token", "payload_key"):
    getattr(Payload, _name).__doc__ = getattr(_generated.Payload, _name).__doc__


# --- Batches --------------------------------------------------------------------------------------

# The wire codes of the fields each item carries (BatchFields::from_code).
_USER_ID, _EMAIL, _BOTH = 0, 1, 2
# The packed length of an absent field (userhash::ABSENT_LENGTH).
_ABSENT = 0xFFFFFFFF
_LENGTH_TYPECODE = next(code for code in "IL" if array(code).itemsize == 4)
# Items per call in a large batch: big enough that the call's fixed cost vanishes, small enough
# that buffers stay a few megabytes and the pipeline has work to overlap.
_CHUNK = 1 << 16


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Signing threads per chunk in a pipelined batch: every core but the one this thread needs to
# pack and split chunks meanwhile.
_PIPELINED_THREADS = max(1, _cores() - 1)

class _Packed(NamedTuple):
    """A packed chunk, as the lane reads it (the packed protocol, testdata/vectors/packed/)."""

    #: The fields each item carries: 0 user id, 1 email, 2 both.
    fields: int
    #: The fields' UTF-8: back to back (the lengths layout), or one line each (the lines layout).
    data: bytes
    #: One u32 little-endian length per field; None for the lines layout.
    lengths: Optional[bytes]
    #: How many items.
    count: int
    #: Items that were not valid Unicode (packed as unidentified; None in their slot).
    unencodable: List[int]


def _sign_packed(handle: int, packed: _Packed, threads: int, at: int, has_at: int) -> str:
    """Signs a packed chunk with one lane call; its text."""
    if packed.lengths is None:
        return _bulk(
            _SIGN_LINES, handle, packed.fields, packed.data, len(packed.data), packed.count,
            threads, at, has_at,
        )
    return _bulk(
        _SIGN_PACKED, handle, packed.fields, packed.data, len(packed.data), packed.lengths,
        len(packed.lengths), threads, at, has_at,
    )


def _bulk(function: Any, *args: Any) -> str:
    """Calls a batch symbol and takes its text (freeing the lane's buffer); a whole-call failure
    raises."""
    size = _size()
    pointer = function(*args, ctypes.byref(size))
    try:
        text = ctypes.string_at(pointer, size.value)
    finally:
        _FREE(pointer, size.value)
    if text[:1] == b"!":
        _fail(text)
    return text.decode()


def _lengths(values: Iterable[int]) -> bytes:
    """Unsigned 32-bit little-endian lengths, the layout the lane reads."""
    packed = array(_LENGTH_TYPECODE, values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _pack_strings(batch: List[Any], field: str) -> Optional[_Packed]:
    """A batch of plain str packed by C loops (str.join, str.encode, array); None when some item
    is not a str or not valid Unicode. Without a newline in any item (the usual case) the items
    go as lines, with no lengths to compute at all."""
    fields = _USER_ID if field == "user_id" else _EMAIL
    try:
        joined = "\n".join(batch)
        data = joined.encode()
    except (TypeError, UnicodeEncodeError):
        return None
    count = len(batch)
    if joined.count("\n") == count - 1:  # no item holds a newline: one line per item
        return _Packed(fields, data, None, count, [])
    packed = "".join(batch).encode()
    if len(packed) == len(joined) - (count - 1):  # all ASCII: characters are bytes
        lengths = _lengths(map(len, batch))
    else:
        lengths = _lengths(len(item.encode()) for item in batch)
    return _Packed(fields, packed, lengths, count, [])


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
    return _Packed(_BOTH, b"".join(chunks), _lengths(lengths), len(batch), unencodable)


def _pack(chunk: List[Any], field: str, on_error: str) -> _Packed:
    return _pack_strings(chunk, field) or _pack_identities(chunk, field, on_error)


def _collect(
    text: str,
    unencodable: List[int],
    start: int,
    count: int,
    tokens: List[Optional[str]],
    failures: List[Tuple[int, str, str]],
) -> None:
    """Appends a chunk's tokens (``count`` token lines, then ``!<index> <code> <message>`` per
    failed item) and its failures, as indices into the batch."""
    lines = text.split("\n")
    lines.pop()  # the text ends with a newline
    if len(lines) > count:
        for line in lines[count:]:
            index, code, message = line[1:].split(" ", 2)
            failures.append((start + int(index), code, message))
        del lines[count:]
    failures.extend((start + index, "unencodable", "") for index in unencodable)
    tokens.extend(lines)


def _fields_to_sign(
    identity: object, user_id: Optional[str], email: Optional[str]
) -> Tuple[Optional[str], Optional[str]]:
    """The user id and email of ``sign``'s other forms: keywords, or a user id alone."""
    if identity is None:
        return user_id, email
    if user_id is not None or email is not None:
        raise TypeError("sign() takes an identity, or the user_id= and email= keywords, not both")
    if isinstance(identity, str):
        return identity, None
    if isinstance(identity, Identity):
        return identity.user_id, identity.email
    raise TypeError(
        f"sign() argument 'identity' must be Identity or str (a user id), "
        f"not {type(identity).__name__}"
    )


class Signer(_generated.Signer):
    __doc__ = _generated.Signer.__doc__

    def sign(
        self,
        identity: Union[Identity, str, None] = None,
        *,
        user_id: Optional[str] = None,
        email: Optional[str] = None,
    ) -> str:
        """The token for an identity, given as an :class:`Identity`, as a user id alone, or as
        ``user_id=`` / ``email=`` keywords (as Kotlin's ``sign(userId = ...)``)::

            signer.sign(Identity(user_id="42", email="ada@example.com"))
            signer.sign("42")                                  # = sign(Identity(user_id="42"))
            signer.sign(user_id="42", email="ada@example.com")

        Timestamped schemes stamp the token with the system clock, and JWT schemes issue it then;
        ``sign_at`` chooses the time, ``sign_with`` adds JWT attributes. Raises the
        :class:`UserHashError` of an identity the scheme cannot sign (``Unidentified``,
        ``MissingField``, ``EmptyField``, ``IdentifierTooLong``), and ``TypeError`` for an
        identity of another type, or for an identity and keywords together.

        >>> import userhash
        >>> signer = userhash.Signer(userhash.Scheme.by_name("intercom"), "secret")
        >>> signer.sign("Message") == signer.sign(user_id="Message") == signer.sign(userhash.Identity(user_id="Message"))
        True
        """
        if type(identity) is Identity and user_id is None and email is None:
            user_id, email = identity.user_id, identity.email
        else:
            user_id, email = _fields_to_sign(identity, user_id, email)
        try:
            user_id_bytes, email_bytes = _utf8(user_id, "user_id"), _utf8(email, "email")
        except _Generated:
            return _GENERATED_SIGN(self, Identity(user_id=user_id, email=email))  # type: ignore[no-any-return]
        token = _whole(_SIGN(
            _lane_handle(self), user_id_bytes, _size_of(user_id_bytes), email_bytes, _size_of(email_bytes)
        ))
        if token[0] == 33:  # "!"
            _fail(token)
        return token.decode()

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
        ``"none"``. Timestamped schemes stamp every item with one time: the clock is read once
        per call.

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
        failures: List[Tuple[int, str, str]] = []
        handle = _lane_handle(self)
        if len(batch) <= _CHUNK:
            if batch:
                packed = _pack(batch, field, on_error)
                text = _sign_packed(handle, packed, 0, 0, 0)
                _collect(text, packed.unencodable, 0, len(batch), tokens, failures)
        else:
            self._sign_pipelined(handle, batch, field, on_error, tokens, failures)
        if failures:
            if on_error == "raise":
                index, code, message = failures[0]
                _raise(code, f"item {index}: {message}")
            for index, _, _ in failures:
                tokens[index] = None
        return tokens

    def _sign_pipelined(
        self,
        handle: int,
        batch: List[Any],
        field: str,
        on_error: str,
        tokens: List[Optional[str]],
        failures: List[Tuple[int, str, str]],
    ) -> None:
        """Signs a large batch in chunks on a worker thread (the lane call releases the GIL)
        while this thread packs the next chunk and splits the previous one's tokens. Every chunk
        carries the time the lane gives for the whole batch (the clock read once)."""
        answer = _BATCH_TIME(handle)
        if answer[:1] == b"!":
            _fail(answer)
        at, has_at = (int(answer), 1) if answer else (0, 0)
        starts = range(0, len(batch), _CHUNK)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="userhash-sign") as worker:
            pending = []
            for start in starts:
                packed = _pack(batch[start : start + _CHUNK], field, on_error)
                future = worker.submit(_sign_packed, handle, packed, _PIPELINED_THREADS, at, has_at)
                pending.append((start, packed.unencodable, future))
                # Keep one chunk queued behind the one being signed, no more: memory stays flat.
                if len(pending) > 1:
                    done_start, unencodable, done = pending.pop(0)
                    count = min(_CHUNK, len(batch) - done_start)
                    _collect(done.result(), unencodable, done_start, count, tokens, failures)
            for done_start, unencodable, done in pending:
                count = min(_CHUNK, len(batch) - done_start)
                _collect(done.result(), unencodable, done_start, count, tokens, failures)
