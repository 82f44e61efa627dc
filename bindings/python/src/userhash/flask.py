"""userhash for Flask: an extension with a ``before_request`` gate.

::

    from userhash.flask import UserHash

    userhash = UserHash(identity=lambda: current_identity(), verifier=verifier)
    app.config["USERHASH_ENFORCEMENT"] = "report"     # or the USERHASH_ENFORCEMENT variable
    userhash.init_app(app)                             # or UserHash(app, identity=..., ...)

Settings are ``app.config["USERHASH_<KEY>"]`` (``ENFORCEMENT``, ``GATE_PATHS``,
``TOKEN_HEADER``, ...), or the environment variable of the same name; ``init_app`` checks them
and raises SettingsError naming every bad one. The app's state lives in
``app.extensions["userhash"]``. With ``USERHASH_ENFORCEMENT`` set, every request under
``USERHASH_GATE_PATHS`` goes through the gate: a denied one gets 401 and
``{"error", "outcome", "error_code"}`` as JSON, never the token; report mode logs on the
``userhash.flask`` logger. The decision rides on ``g.userhash_decision``.

``pip install userhash[flask]``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Optional, Tuple

from flask import Flask, Response, current_app, g, jsonify, request

from . import Gate, Identity, Verifier
from ._web.gate import RequestGate
from ._web.settings import KEYS, Problem, Settings, SettingsError, env_name, read_settings

__all__ = ["UserHash", "UserHashState"]

#: The logger of the gate.
LOGGER = logging.getLogger("userhash.flask")
#: Where the app's state lives: ``app.extensions["userhash"]``.
EXTENSION = "userhash"

IdentityLoader = Callable[[], Optional[Identity]]


@dataclass(frozen=True)
class UserHashState:
    """One app's userhash state, in ``app.extensions["userhash"]``."""

    #: The checked settings.
    settings: Settings
    #: The gate, when ``USERHASH_ENFORCEMENT`` is set.
    gate: Optional[RequestGate]
    #: The request's identity (None: nobody is logged in).
    identity: Optional[IdentityLoader]


class UserHash:
    """The Flask extension: ``UserHash(app, ...)`` or ``UserHash(...).init_app(app)``."""

    def __init__(
        self,
        app: Optional[Flask] = None,
        *,
        identity: Optional[IdentityLoader] = None,
        verifier: Optional[Verifier] = None,
        environ: Optional[Mapping[str, str]] = None,
    ) -> None:
        """``identity``: a function returning the current request's Identity, or None for
        nobody (or register it with :meth:`identity_loader`). ``verifier``: what the gate checks
        tokens with. ``environ``: where ``USERHASH_*`` variables are read (default
        ``os.environ``)."""
        self._identity = identity
        self._verifier = verifier
        self._environ = environ
        if app is not None:
            self.init_app(app)

    def identity_loader(self, loader: IdentityLoader) -> IdentityLoader:
        """Registers the function that gives the request's identity (a decorator); call it
        before ``init_app``."""
        self._identity = loader
        return loader

    def init_app(self, app: Flask) -> None:
        """Checks the app's settings, stores the state in ``app.extensions["userhash"]`` and,
        when ``USERHASH_ENFORCEMENT`` is set, installs the gate. Raises SettingsError."""
        given = {key: app.config[env_name(key)] for key in KEYS if env_name(key) in app.config}
        environ = os.environ if self._environ is None else self._environ
        settings = read_settings(given, environ, _name)
        gate = None
        if settings.enforcement is not None:
            gate = self._make_gate(settings)
        app.extensions[EXTENSION] = UserHashState(settings, gate, self._identity)
        if gate is not None:
            app.before_request(_check_request)

    def _make_gate(self, settings: Settings) -> RequestGate:
        problems = []
        if self._verifier is None:
            problems.append(
                Problem("UserHash(verifier=...)", "is not set", "pass the userhash.Verifier")
            )
        if self._identity is None:
            problems.append(
                Problem(
                    "UserHash(identity=...)",
                    "is not set, and the gate checks the request's user",
                    "pass a function returning the request's userhash.Identity",
                )
            )
        if problems or self._verifier is None or settings.enforcement is None:
            raise SettingsError(problems)
        return RequestGate(Gate(self._verifier, settings.enforcement), settings, LOGGER)


def state(app: Optional[Flask] = None) -> UserHashState:
    """The state of ``app`` (default: the current app)."""
    found = (app or current_app).extensions.get(EXTENSION)
    if not isinstance(found, UserHashState):
        raise RuntimeError("userhash is not set up on this app: call UserHash(app) first")
    return found


def _name(key: str) -> str:
    return f"app.config[{env_name(key)!r}]"


def _check_request() -> Optional[Tuple[Response, int, Dict[str, str]]]:
    """The ``before_request`` gate."""
    found = state()
    gate = found.gate
    if gate is None or not gate.applies_to(request.path):
        return None
    settings = gate.settings
    identity = found.identity() if found.identity is not None else None
    result = gate.decide(
        identity,
        request.headers.get(settings.token_header),
        request.headers.get(settings.platform_header),
        request.method,
        request.path,
    )
    g.userhash_decision = result.decision
    if result.allowed:
        return None
    return jsonify(result.body()), result.status, result.headers()
