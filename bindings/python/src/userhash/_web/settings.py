"""The settings every framework integration shares, read and checked in one place.

Each framework names its settings its own way — Django's ``USERHASH = {...}`` dict, Flask's
``app.config["USERHASH_..."]`` keys, FastAPI's keyword arguments — and every one of them may come
from a ``USERHASH_<KEY>`` environment variable instead. :func:`read_settings` takes the values the
framework found, plus the environment, and returns :class:`Settings` or raises
:class:`SettingsError` listing every problem, each naming the setting the way the user wrote it
(``USERHASH['enforcement']``, ``USERHASH_ENFORCEMENT``). No userhash rule lives here: what a
platform label or a scheme may be is the library's to say, when the settings are used.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence, Tuple

from .._ffi.userhash import Enforcement

__all__ = ["ENV_PREFIX", "KEYS", "Problem", "Settings", "SettingsError", "read_settings"]

#: Environment variables are the keys upper-cased behind this prefix: ``USERHASH_ENFORCEMENT``.
ENV_PREFIX = "USERHASH_"

#: The keys every integration understands (a framework may add its own, e.g. Django's
#: ``identity``).
KEYS = (
    "config",
    "app",
    "env",
    "platform",
    "vendor",
    "enforcement",
    "token_header",
    "platform_header",
    "gate_paths",
)

_MODES = {"off": Enforcement.OFF, "report": Enforcement.REPORT, "enforce": Enforcement.ENFORCE}
# RFC 9110's token: what an HTTP header name may hold.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Settings are not secret, but a value quoted back in an error is still kept short.
_QUOTE_LIMIT = 60


@dataclass(frozen=True)
class Settings:
    """Validated settings of one integration.

    ``enforcement`` is ``None`` when the gate is not configured; an integration that gates
    requests refuses to start without it (a gate never runs in a mode nobody chose).
    """

    #: The userhash TOML config file (apps → environments → vendors → keys).
    config: Optional[str] = None
    #: The app of the config file to use.
    app: Optional[str] = None
    #: The environment of that app (``production``, ``staging``, ...).
    env: Optional[str] = None
    #: The platform whose keys sign rendered pages (``web``).
    platform: str = "web"
    #: The vendor whose tokens the gate checks, when the config holds several.
    vendor: Optional[str] = None
    #: The gate's mode: off, report or enforce.
    enforcement: Optional[Enforcement] = None
    #: The request header carrying the token the gate checks.
    token_header: str = "X-UserHash-Token"
    #: The request header naming the platform the request comes from (``web``, ``ios``, ...).
    platform_header: str = "X-UserHash-Platform"
    #: The path prefixes the gate applies to (Django's middleware and Flask's before_request).
    gate_paths: Tuple[str, ...] = ("/",)


@dataclass(frozen=True)
class Problem:
    """One bad setting: which, what is wrong, and how to fix it."""

    #: The setting as the user wrote it: ``USERHASH['enforcement']`` or ``USERHASH_ENFORCEMENT``.
    setting: str
    #: What is wrong.
    message: str
    #: How to fix it.
    hint: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.message} ({self.hint})"


class SettingsError(ValueError):
    """The settings cannot be used; :attr:`problems` names every bad setting."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"userhash is misconfigured:\n{lines}")


def quoted(value: object) -> str:
    """``repr`` of a setting's value, cut short."""
    text = repr(value)
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 3] + "..."


def env_name(key: str) -> str:
    """The environment variable of a key: ``token_header`` → ``USERHASH_TOKEN_HEADER``."""
    return ENV_PREFIX + key.upper()


def read_settings(
    given: Mapping[str, object],
    environ: Mapping[str, str],
    name: Callable[[str], str],
    framework_keys: Sequence[str] = (),
) -> Settings:
    """Checks the framework's values and the environment, and returns the settings.

    ``given`` holds the keys the framework's settings set (absent keys are not in it); a key
    missing there is read from ``USERHASH_<KEY>`` in ``environ``. A key set in both places to
    different values is an error rather than a silent choice. ``name(key)`` spells a key the
    way the user wrote it; ``framework_keys`` are keys the framework reads itself (accepted here,
    checked there).

    Raises :class:`SettingsError` naming every bad setting at once.
    """
    problems: list[Problem] = []
    known = set(KEYS) | set(framework_keys)
    for key in sorted(set(given) - known):
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(KEYS)}"
        problems.append(Problem(name(key), "is not a userhash setting", hint))

    values: dict[str, object] = {}
    for key in KEYS:
        from_env = environ.get(env_name(key))
        if key in given:
            value = given[key]
            if from_env is not None and from_env != _as_env_text(value):
                problems.append(
                    Problem(
                        name(key),
                        f"is {quoted(value)} but ${env_name(key)} is {quoted(from_env)}",
                        "set it in one place only",
                    )
                )
                continue
            values[key] = value
        elif from_env is not None:
            values[key] = from_env
        # The environment names itself: its problems say $USERHASH_X, not the framework's name.
    fields: dict[str, object] = {}
    for key, value in values.items():
        where = name(key) if key in given else f"${env_name(key)}"
        checked = _check(key, value, where, problems)
        if checked is not None:
            fields[key] = checked
    if problems:
        raise SettingsError(problems)
    # Each value has the type of its field: _check made it so.
    return dataclasses.replace(Settings(), **fields)  # type: ignore[arg-type]


def _as_env_text(value: object) -> str:
    """How a framework value would be written as an environment variable, for comparison."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    if isinstance(value, Enforcement):
        return value.name.lower()
    return str(value)


def _check(key: str, value: object, where: str, problems: list[Problem]) -> Optional[object]:
    """The value of one key in its typed form, or None after recording a problem."""
    if key == "enforcement":
        return _mode(value, where, problems)
    if key == "gate_paths":
        return _paths(value, where, problems)
    if key == "config" and isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(where, f"is {quoted(value)}", "use a non-empty string"))
        return None
    if value != value.strip():
        problems.append(
            Problem(where, f"is {quoted(value)}, with surrounding spaces", "remove them")
        )
        return None
    if key in ("token_header", "platform_header") and not _HEADER_NAME.match(value):
        problems.append(
            Problem(where, f"is {quoted(value)}, not an HTTP header name", "e.g. X-UserHash-Token")
        )
        return None
    return value


def _mode(value: object, where: str, problems: list[Problem]) -> Optional[Enforcement]:
    if isinstance(value, Enforcement):
        return value
    if isinstance(value, str) and value in _MODES:
        return _MODES[value]
    problems.append(Problem(where, f"is {quoted(value)}", "use 'off', 'report' or 'enforce'"))
    return None


def _paths(value: object, where: str, problems: list[Problem]) -> Optional[Tuple[str, ...]]:
    items: object = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        problems.append(
            Problem(where, f"is {quoted(value)}", "use a list of path prefixes, e.g. ['/api/']")
        )
        return None
    bad = [item for item in items if not isinstance(item, str) or not item.startswith("/")]
    if bad:
        problems.append(
            Problem(where, f"holds {quoted(bad[0])}", "each prefix is a string starting with '/'")
        )
        return None
    return tuple(str(item) for item in items)
