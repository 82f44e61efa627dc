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
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    # Type checkers see the lane's classes (the runtime binding is at the end).
    # (`PayloadSigner` adds nothing to the generated API, so type checkers keep the generated
    # class, which `Config.payload_signer` is declared to return.)
    from ._lane import Gate as Gate, Signer as Signer, Verifier as Verifier

from ._ffi import userhash as _generated
from ._ffi.userhash import *  # type: ignore[assignment]  # noqa: F401,F403  (the generated bindings are the API)
from ._ffi.userhash import __all__ as _generated_all

# What the generated module exports for the bindings' own plumbing, not for users: the packed
# batch's codes (the lane packs batches itself) and uniffi's `*Protocol` classes (the interfaces
# its objects implement, for its own type checks). They stay in userhash._ffi.userhash.
_PLUMBING = frozenset(
    {"PackedFields", "packed_absent_length"}
    | {name for name in _generated_all if name.endswith("Protocol")}
)
for _name in _PLUMBING:
    del globals()[_name]

__all__ = [*(name for name in _generated_all if name not in _PLUMBING), "error_code"]


# Three safety fixes to the generated module; no userhash rule lives here.
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
#    tracebacks would show a secret. Raise a ValueError that says where, never what.
#
# 3. Arguments are checked by type before they are lowered. The generated code reads a record's
#    fields without checking its type (an AttributeError from inside: "'dict' object has no
#    attribute 'user_id'") and looks an enum up by value (ValueError: "report"); a wrong type
#    raises TypeError naming the argument and the type it takes, as Python's own calls do.
#
# Every public callable of the generated module is wrapped (its public names only).
_CHECKED_TYPES = {
    **{name: kind for name, kind in vars(_generated).items() if isinstance(kind, type)},
    "str": str,
}


def _argument_checks(function):  # type: ignore[no-untyped-def]
    """(position, name, type, optional) for each argument of a generated type (or str)."""
    try:
        parameters = list(_inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return ()
    checks = []
    for position, parameter in enumerate(parameters):
        annotation = parameter.annotation
        if not isinstance(annotation, str):
            continue
        optional = False
        # uniffi writes an argument with a default as `typing.Union[object, T]`.
        if annotation.startswith("typing.Union[object, ") and annotation.endswith("]"):
            annotation = annotation[len("typing.Union[object, "):-1]
        if annotation.startswith("typing.Optional[") and annotation.endswith("]"):
            optional, annotation = True, annotation[len("typing.Optional["):-1]
        kind = _CHECKED_TYPES.get(annotation)
        if kind is not None:
            checks.append((position, parameter.name, kind, optional))
    return tuple(checks)


def _lowered(function, owner: str = ""):  # type: ignore[no-untyped-def]
    checks = _argument_checks(function)
    called = f"{owner}.{function.__name__}" if owner else function.__name__
    called = called.replace(".__init__", "")

    @_functools.wraps(function)
    def lowered(*args, **kwargs):  # type: ignore[no-untyped-def]
        for position, name, kind, optional in checks:
            if position < len(args):
                value = args[position]
            elif name in kwargs:
                value = kwargs[name]
            else:
                continue
            if not isinstance(value, kind) and not (optional and value is None):
                expected = f"{kind.__name__} or None" if optional else kind.__name__
                raise TypeError(
                    f"{called}() argument {name!r} must be {expected}, "
                    f"not {type(value).__name__}"
                )
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
        _owner = _object_type.__name__
        if isinstance(_member, (classmethod, staticmethod)):
            setattr(_object_type, _name, type(_member)(_lowered(_member.__func__, _owner)))
        elif callable(_member):
            setattr(_object_type, _name, _lowered(_member, _owner))
for _name in __all__:
    _member = globals().get(_name)
    if isinstance(_member, _types.FunctionType):
        globals()[_name] = _lowered(_member)


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


# repr() of an object says what it is without its key: the scheme, and the key's fingerprint
# (`Signer(scheme='intercom', key='3f1c9a2b7d44')`), where the generated class showed an address.
def _scheme_name(scheme: Scheme) -> str:  # noqa: F405
    info = scheme.info()
    # What Scheme.parse reads back: a preset's name, or a custom scheme's spec.
    return info.name if info.preset is not None else info.spec


def _scheme_repr(self: Scheme) -> str:  # noqa: F405
    return f"Scheme({_scheme_name(self)!r})"


def _signer_repr(self: Signer) -> str:  # noqa: F405
    key_id = self.key_id()
    named = "" if key_id is None else f", key_id={key_id!r}"
    return f"Signer(scheme={_scheme_name(self.scheme())!r}, key={self.fingerprint()!r}{named})"


def _keyring_repr(self: Keyring) -> str:  # noqa: F405
    keys = {label: self.fingerprint(label) for label in self.labels()}
    return f"Keyring(scheme={_scheme_name(self.scheme())!r}, keys={keys!r})"


def _verifier_repr(self: Verifier) -> str:  # noqa: F405
    return f"Verifier(scheme={_scheme_name(self.scheme())!r})"


def _gate_repr(self: Gate) -> str:  # noqa: F405
    return f"Gate(enforcement={self.enforcement()})"


for _object_type, _repr in (  # noqa: F405
    (Scheme, _scheme_repr),
    (Signer, _signer_repr),
    (Keyring, _keyring_repr),
    (Verifier, _verifier_repr),
    (Gate, _gate_repr),
):
    _object_type.__repr__ = _repr  # type: ignore[assignment,method-assign]


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
if not _TYPE_CHECKING:
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
            setattr(_LanePayload, _name, _lowered(_member, "Payload"))
