"""userhash for Flask: an extension with a Jinja global for the payload and a
``before_request`` gate.

::

    from userhash.flask import UserHash

    app.config.update(USERHASH_CONFIG="userhash.toml", USERHASH_APP="acme", USERHASH_ENV="production")
    app.config["USERHASH_ENFORCEMENT"] = "report"     # the gate (or the USERHASH_* variables)
    UserHash(app, identity=current_identity)           # or UserHash(...).init_app(app)

``{{ userhash_payload() }}`` in a template renders the current user's payload (see
:func:`payload_element`); :func:`payload_json` gives it for a JSON response.

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
from markupsafe import Markup

from . import Identity, Verifier
from ._web.gate import RequestGate, header_text
from ._web.payload import UnknownPlatform
from ._web.render import DEFAULT_ELEMENT_ID, script_element
from ._web.settings import KEYS, Problem, SettingsError, env_name, read_settings
from ._web.wiring import Wiring, wire

__all__ = [
    "UnknownPlatform",
    "UserHash",
    "UserHashState",
    "payload_element",
    "payload_json",
    "state",
]

#: The logger of the gate.
LOGGER = logging.getLogger("userhash.flask")
#: Where the app's state lives: ``app.extensions["userhash"]``.
EXTENSION = "userhash"

IdentityLoader = Callable[[], Optional[Identity]]


@dataclass(frozen=True)
class UserHashState:
    """One app's userhash state, in ``app.extensions["userhash"]``."""

    #: What the settings made: the payload source (with ``USERHASH_CONFIG``) and the gate (with
    #: ``USERHASH_ENFORCEMENT``).
    wiring: Wiring
    #: The request's identity (None: nobody is logged in).
    identity: Optional[IdentityLoader]

    @property
    def gate(self) -> Optional[RequestGate]:
        """The gate, when ``USERHASH_ENFORCEMENT`` is set."""
        return self.wiring.gate


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
        gate = settings.enforcement is not None
        if gate and self._identity is None:
            raise SettingsError(
                [
                    Problem(
                        "UserHash(identity=...)",
                        "is not set, and the gate checks the request's user",
                        "pass a function returning the request's userhash.Identity",
                    )
                ]
            )
        wiring = wire(
            settings,
            _name,
            LOGGER,
            gate=gate,
            verifier=self._verifier,
            verifier_name="UserHash(verifier=...)",
        )
        app.extensions[EXTENSION] = UserHashState(wiring, self._identity)
        app.jinja_env.globals["userhash_payload"] = payload_element
        app.register_error_handler(UnknownPlatform, _unknown_platform)
        if wiring.gate is not None:
            app.before_request(_check_request)


def state(app: Optional[Flask] = None) -> UserHashState:
    """The state of ``app`` (default: the current app)."""
    found = (app or current_app).extensions.get(EXTENSION)
    if not isinstance(found, UserHashState):
        raise RuntimeError("userhash is not set up on this app: call UserHash(app) first")
    return found


def payload_json(platform: Optional[str] = None) -> Optional[str]:
    """The current user's payload as JSON text on ``platform`` (default: the request's
    ``X-UserHash-Platform`` header, else ``USERHASH_PLATFORM``), or None when nobody is logged
    in. Computed once per request and platform. A platform no configured vendor has keys for
    raises UnknownPlatform, which the extension answers with 400 ``{"error": "unknown
    platform"}``."""
    found = state()
    identity = found.identity() if found.identity is not None else None
    if identity is None:
        return None
    payloads = found.wiring.payloads
    if payloads is None:
        raise RuntimeError("the payload needs USERHASH_CONFIG (with USERHASH_APP and USERHASH_ENV)")
    settings = found.wiring.settings
    platform = platform or header_text(request.headers.get(settings.platform_header))
    platform = platform or settings.platform
    cache = g.setdefault("_userhash_payloads", {})
    if platform not in cache:
        cache[platform] = payloads.payload_json(identity, platform)
    text: Optional[str] = cache[platform]
    return text


def payload_element(element_id: str = DEFAULT_ELEMENT_ID, platform: Optional[str] = None) -> Markup:
    """The Jinja global ``userhash_payload()``: the current user's payload as
    ``<script type="application/json" id="userhash-payload">``, escaped for the element and
    carrying the CSP nonce (``request.csp_nonce``, as Flask-Talisman sets it, or
    ``g.csp_nonce``); empty when nobody is logged in."""
    text = payload_json(platform)
    if text is None:
        return Markup("")
    nonce = getattr(request, "csp_nonce", None) or g.get("csp_nonce")
    return Markup(script_element(text, element_id, nonce and str(nonce)))


def _unknown_platform(error: UnknownPlatform) -> Tuple[Response, int]:
    return jsonify({"error": "unknown platform"}), 400


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
