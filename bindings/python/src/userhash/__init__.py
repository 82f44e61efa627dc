"""userhash: identity-verification hashes for customer-messaging SDKs.

Sign (the app server), verify against per-platform keys with rotation and freshness (the auth
server), gate requests through the off → report → enforce rollout, and explain rejected hashes.
One Rust implementation behind Python, Kotlin and Swift: the same bytes in every language.

    >>> import userhash
    >>> scheme = userhash.Scheme.by_name("intercom")
    >>> signer = userhash.Signer(scheme, "secret")
    >>> signer.sign(userhash.Identity(user_id="Message"))
    'aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597'

Every failure raises a subclass of :class:`UserHashError` (``UserHashError.Mismatch``,
``UserHashError.EmptySecret``, ...) whose message never contains a secret or a whole token.
"""

import functools as _functools
import inspect as _inspect
import types as _types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Type checkers see the lane's classes (the runtime binding is at the end).
    # (`PayloadSigner` adds nothing to the generated API, so type checkers keep the generated
    # class, which `Config.payload_signer` is declared to return.)
    from ._lane import Gate as Gate, Signer as Signer, Verifier as Verifier

from ._ffi import userhash as _generated
from ._ffi.userhash import *  # type: ignore[assignment]  # noqa: F401,F403  (the generated bindings are the API)
from ._ffi.userhash import __all__ as _generated_all

__all__ = [*_generated_all, "error_code"]


# Two safety fixes to the generated module; no userhash rule lives here.
#
# 1. Objects hold a native handle that their finaliser frees. The default copy and pickle
#    protocols would duplicate the handle, so the copy signs with freed memory once the original
#    is collected, and the handle is freed twice. The objects are immutable, so a copy is the
#    object itself, and pickling (which cannot carry a native handle, or should not carry a key)
#    is refused.
def _copy(self: object) -> object:
    return self


def _deepcopy(self: object, memo: object) -> object:
    return self


def _refuse_pickle(self: object) -> object:
    raise TypeError(
        f"{type(self).__name__} holds native key state and cannot be pickled; "
        "rebuild it from its scheme and secret in the other process"
    )


for _object_type in (  # noqa: F405
    Scheme, Signer, Keyring, Verifier, Gate, Config, ConfigBuilder, PayloadSigner, Payload
):
    _object_type.__copy__ = _copy  # type: ignore[attr-defined]
    _object_type.__deepcopy__ = _deepcopy  # type: ignore[attr-defined]
    _object_type.__reduce__ = _refuse_pickle  # type: ignore[assignment,method-assign]


# 2. Text is encoded as UTF-8 where it is lowered to Rust. A str holding a lone surrogate cannot
#    be, and Python's UnicodeEncodeError keeps the whole string in `.object`, where repr() and
#    tracebacks would show a secret. Raise a ValueError that says where, never what. Every public
#    callable of the generated module is wrapped (its public names only).
def _hide_unencodable_text(function):  # type: ignore[no-untyped-def]
    @_functools.wraps(function)
    def lowered(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return function(*args, **kwargs)
        except UnicodeEncodeError as error:
            raise ValueError(
                f"text argument is not valid Unicode: it has a lone surrogate at index "
                f"{error.start}, which UTF-8 cannot encode"
            ) from None

    return lowered


for _object_type in (  # noqa: F405
    Scheme, Signer, Keyring, Verifier, Gate, Config, ConfigBuilder, PayloadSigner, Payload
):
    for _name, _member in list(vars(_object_type).items()):
        if _name.startswith("_") and _name != "__init__":
            continue
        if isinstance(_member, (classmethod, staticmethod)):
            setattr(_object_type, _name, type(_member)(_hide_unencodable_text(_member.__func__)))
        elif callable(_member):
            setattr(_object_type, _name, _hide_unencodable_text(_member))
for _name in _generated_all:
    _member = globals()[_name]
    if isinstance(_member, _types.FunctionType):
        globals()[_name] = _hide_unencodable_text(_member)


# repr() of a record names its fields with their reprs, as a dataclass's would, so logs and the
# REPL show `Identity(user_id='42', email=None)` where the generated class showed `Identity()`.
# No record holds a secret.
def _record_repr(self: object) -> str:
    fields = ", ".join(
        f"{name}={getattr(self, name)!r}" for name in type(self)._userhash_fields  # type: ignore[attr-defined]
    )
    return f"{type(self).__name__}({fields})"


for _record_type in (BatchEntry, Decision, Diagnosis, Finding, Freshness, Identity, PayloadEntry, PresetInfo, SchemeInfo, Verified):  # noqa: F405,E501
    _record_type._userhash_fields = tuple(  # type: ignore[attr-defined]
        _inspect.signature(_record_type.__init__).parameters
    )[1:]
    _record_type.__repr__ = _record_repr  # type: ignore[assignment,method-assign]


# The cause of an exception as data, as Kotlin's and Swift's `error.code` give it: the same
# ErrorCode a Decision or a BatchEntry carries. A variant's name is its code in UpperCamelCase.
_CODE_OF_VARIANT: dict[type, ErrorCode] = {  # noqa: F405
    getattr(UserHashError, "".join(word.title() for word in code.name.split("_"))): code  # noqa: F405
    for code in ErrorCode  # noqa: F405
}
for _variant, _code in _CODE_OF_VARIANT.items():
    _variant.code = _code  # type: ignore[attr-defined]


def error_code(error: UserHashError) -> ErrorCode:  # noqa: F405
    """The cause of a userhash exception as an :class:`ErrorCode`; ``error_code_name`` spells it.

    >>> try:
    ...     Signer(Scheme.by_name("intercom"), "")
    ... except UserHashError as error:
    ...     error_code_name(error_code(error))
    'empty_secret'
    """
    try:
        return _CODE_OF_VARIANT[type(error)]
    except KeyError:
        raise TypeError(f"not a userhash error variant: {type(error).__name__}") from None


# Speed: `Signer`, `Verifier`, `Gate` and `PayloadSigner` are the generated classes with their hot
# calls through the fast lane (see _lane.py); objects made by Rust (`Keyring.signer`,
# `Config.payload_signer`, ...) are built through
# the generated module's own names, so they are these classes too. Defined after the fixes above,
# which they inherit.
if not TYPE_CHECKING:
    from ._lane import Gate, PayloadSigner, Signer, Verifier
    from ._lane import Payload as _LanePayload

    _generated.Signer = Signer
    _generated.Verifier = Verifier
    _generated.Gate = Gate
    _generated.PayloadSigner = PayloadSigner
    # A lane payload is data, not a native object: the generated `Payload` stays the public
    # type (a lane payload is one), and its text arguments get the fix above.
    for _name, _member in list(vars(_LanePayload).items()):
        if not _name.startswith("_") and callable(_member):
            setattr(_LanePayload, _name, _hide_unencodable_text(_member))
