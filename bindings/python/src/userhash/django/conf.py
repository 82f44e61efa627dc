"""``settings.USERHASH``: read, checked, and turned into what the app's parts use.

The keys (each may instead come from a ``USERHASH_<KEY>`` environment variable)::

    USERHASH = {
        "config": BASE_DIR / "userhash.toml",    # the config file: apps, environments, vendors
        "app": "acme", "env": "production",      # which app and environment of it
        "platform": "web",                       # whose keys sign pages (default web)
        "vendor": "intercom",                    # whose tokens the gate checks
        "enforcement": "report",                 # the gate: off | report | enforce
        "gate_paths": ["/api/"],                 # where the gate applies (default: everywhere)
        "identity": {"user_id": "pk", "email": "email"},  # how a user becomes an Identity
        # "verifier": "myproject.keys.verifier", # instead of config for the gate: a function
    }                                            #   returning a userhash.Verifier

Everything is read once and cached until the setting changes (``override_settings`` in tests).
A problem raises :class:`~django.core.exceptions.ImproperlyConfigured` naming the setting; the
system checks (``manage.py check``) report the same problems as errors.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .. import Identity, UserHashError, Verifier, error_code, error_code_name
from .._web.gate import RequestGate
from .._web.payload import PayloadSource
from .._web.settings import Problem, Settings, SettingsError, quoted, read_settings
from .._web.wiring import Wiring, wire

__all__ = [
    "DjangoSettings",
    "identity_of",
    "payload_json",
    "payload_source",
    "problems",
    "request_gate",
    "settings",
    "wired",
]

#: The name of the settings dict.
SETTING = "USERHASH"
#: The gate middleware: listed in MIDDLEWARE, it makes the gate required.
GATE_MIDDLEWARE = "userhash.django.middleware.GateMiddleware"
#: The keys only Django reads.
DJANGO_KEYS = ("identity", "verifier")
#: The identity fields a user's attributes may fill.
IDENTITY_FIELDS = ("user_id", "email")
#: Django's logger for the gate; configure it through ``LOGGING``.
LOGGER = logging.getLogger("userhash.django")

IdentityOf = Callable[[Any], Optional[Identity]]


def name(key: str) -> str:
    """A key as the user wrote it: ``USERHASH['enforcement']``."""
    return f"{SETTING}[{key!r}]"


@dataclass(frozen=True)
class DjangoSettings:
    """The checked settings: the shared ones, how users map to identities, and the verifier."""

    #: The settings every integration shares.
    common: Settings
    #: The request's user → its :class:`~userhash.Identity`, or None for nobody.
    identity_of: IdentityOf
    #: What builds the gate's verifier (a dotted path, a callable, or a Verifier), if set.
    verifier: object


def settings() -> DjangoSettings:
    """The checked settings; raises ImproperlyConfigured naming every bad setting."""
    found, bad = _read()
    if bad or found is None:
        raise ImproperlyConfigured(str(SettingsError(bad)))
    return found


def problems() -> List[Problem]:
    """Every problem of the settings' values (for the system checks); empty when usable."""
    return _read()[1]


def wiring_problems() -> List[Problem]:
    """What stops the parts from being made: the config, its secrets, the gate's mode or keys."""
    return _wired()[1]


def request_gate() -> RequestGate:
    """The gate the middleware applies; raises ImproperlyConfigured naming the setting."""
    wiring = wired()
    if wiring.gate is None:
        raise ImproperlyConfigured(
            f"the gate is not set up: add {GATE_MIDDLEWARE} to MIDDLEWARE"
        )
    return wiring.gate


def payload_source() -> PayloadSource:
    """What signs payloads; raises ImproperlyConfigured naming the setting."""
    wiring = wired()
    if wiring.payloads is None:
        raise ImproperlyConfigured(
            f"{name('config')} is not set, and the payload needs it "
            "(with 'app' and 'env'): the userhash config file"
        )
    return wiring.payloads


def wired() -> Wiring:
    """The parts the settings make; raises ImproperlyConfigured naming every problem."""
    wiring, bad = _wired()
    if bad or wiring is None:
        raise ImproperlyConfigured(str(SettingsError(bad)))
    return wiring


def payload_json(request: Any, user: Any, platform: Optional[str]) -> Optional[str]:
    """The payload JSON of ``user`` on ``platform`` (default ``USERHASH['platform']``), or None
    for an anonymous visitor. Computed once per request and platform."""
    identity = identity_of(user)
    if identity is None:
        return None
    platform = platform or settings().common.platform
    cache = getattr(request, "_userhash_payloads", None)
    if cache is None:
        cache = {}
        if request is not None:
            request._userhash_payloads = cache
    if platform not in cache:
        cache[platform] = payload_source().payload_json(identity, platform)
    text: Optional[str] = cache[platform]
    return text


def identity_of(user: Any) -> Optional[Identity]:
    """The identity of the request's user through ``USERHASH['identity']``; None for an
    anonymous visitor (or a user the mapping gives no identity)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return settings().identity_of(user)


@functools.lru_cache(maxsize=None)
def _read() -> Tuple[Optional[DjangoSettings], List[Problem]]:
    given = getattr(django_settings, SETTING, {})
    if not isinstance(given, dict):
        return None, [Problem(SETTING, f"is {quoted(given)}", "make it a dict")]
    bad: List[Problem] = []
    try:
        common = read_settings(given, os.environ, name, DJANGO_KEYS)
    except SettingsError as error:
        bad.extend(error.problems)
        common = Settings()
    mapping = _identity_mapping(given.get("identity"), bad)
    if bad or mapping is None:
        return None, bad
    return DjangoSettings(common, mapping, given.get("verifier")), []


@functools.lru_cache(maxsize=None)
def _wired() -> Tuple[Optional[Wiring], List[Problem]]:
    found, unusable = _read()
    if found is None:
        return None, unusable
    bad: List[Problem] = []
    verifier = _verifier(found.verifier, bad) if found.verifier is not None else None
    gate = GATE_MIDDLEWARE in list(getattr(django_settings, "MIDDLEWARE", None) or [])
    try:
        wiring = wire(
            found.common, name, LOGGER, gate=gate, verifier=verifier, verifier_name=name("verifier")
        )
    except SettingsError as error:
        return None, [*bad, *error.problems]
    return (None, bad) if bad else (wiring, [])


def _verifier(source: object, bad: List[Problem]) -> Optional[Verifier]:
    """The gate's verifier from ``USERHASH['verifier']``: a Verifier, or a function returning
    one, or the dotted path of either."""
    where = name("verifier")
    try:
        found = import_string(source) if isinstance(source, str) else source
    except ImportError as error:
        bad.append(Problem(where, f"cannot be imported: {error}", "check the dotted path"))
        return None
    try:
        verifier = found() if callable(found) and not isinstance(found, Verifier) else found
    except UserHashError as error:
        # The library's messages never hold a secret.
        code = error_code_name(error_code(error))
        bad.append(Problem(where, f"failed: {code}: {error}", "fix the keys it builds"))
        return None
    if not isinstance(verifier, Verifier):
        bad.append(
            Problem(where, f"gave {type(verifier).__name__}", "return a userhash.Verifier")
        )
        return None
    return verifier


def _identity_mapping(value: object, bad: List[Problem]) -> Optional[IdentityOf]:
    """``USERHASH['identity']``: a dict of user attributes per identity field, or the dotted
    path of a function ``user -> Identity | None``."""
    where = name("identity")
    if value is None:
        value = {"user_id": "pk", "email": "email"}
    if isinstance(value, str):
        try:
            function = import_string(value)
        except ImportError as error:
            bad.append(Problem(where, f"cannot be imported: {error}", "check the dotted path"))
            return None
        if not callable(function):
            bad.append(Problem(where, "is not callable", "name a function user -> Identity"))
            return None
        return _checked_identity(function)
    if not isinstance(value, dict):
        bad.append(
            Problem(
                where,
                f"is {quoted(value)}",
                "use a dict like {'user_id': 'pk', 'email': 'email'} or a dotted path",
            )
        )
        return None
    unknown = sorted(set(value) - set(IDENTITY_FIELDS))
    if unknown:
        bad.append(Problem(where, f"has {quoted(unknown[0])}", "its keys are user_id and email"))
        return None
    attributes = {}
    for field in IDENTITY_FIELDS:
        attribute = value.get(field)
        if attribute is not None and (not isinstance(attribute, str) or not attribute):
            bad.append(
                Problem(where, f"[{field!r}] is {quoted(attribute)}", "name a user attribute")
            )
            return None
        attributes[field] = attribute
    if not any(attributes.values()):
        bad.append(Problem(where, "maps no field", "map user_id or email (or both)"))
        return None
    return functools.partial(_from_attributes, attributes)


def _from_attributes(attributes: dict, user: Any) -> Optional[Identity]:  # type: ignore[type-arg]
    fields = {}
    for field, attribute in attributes.items():
        value = getattr(user, attribute, None) if attribute else None
        fields[field] = None if value is None or value == "" else str(value)
    if not any(fields.values()):
        return None
    return Identity(**fields)


def _checked_identity(function: Callable[[Any], object]) -> IdentityOf:
    def identity_of(user: Any) -> Optional[Identity]:
        found = function(user)
        if found is not None and not isinstance(found, Identity):
            raise ImproperlyConfigured(
                f"{name('identity')} returned {type(found).__name__}, not a userhash.Identity"
            )
        return found

    return identity_of


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    """Re-reads the settings when a test overrides them."""
    if setting == SETTING:
        _read.cache_clear()
        _wired.cache_clear()
