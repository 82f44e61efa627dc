"""userhash for FastAPI (and Starlette's request model): the payload and the gate as
dependencies.

::

    from userhash.fastapi import UserHash

    userhash = UserHash(identity=current_identity)     # settings: USERHASH_* variables
    app = FastAPI(lifespan=userhash.lifespan)          # loads the config at start-up
    api = APIRouter(dependencies=[Depends(userhash.gate)])      # gate these routes

    @app.get("/me")
    async def me(payload: Annotated[Optional[dict], Depends(userhash.payload)]) -> dict: ...

``identity`` is your own dependency returning the request's :class:`~userhash.Identity` (None
for nobody); both dependencies depend on it. Settings (``config``, ``app``, ``env``,
``vendor``, ``enforcement``, ...) come from ``settings={...}`` or ``USERHASH_*`` environment
variables and are checked when the app starts (the lifespan): the config file and every secret
it names are read then, so a bad one stops the server naming the setting. The gate answers a
denied request with 401 and ``{"detail": {"error", "outcome", "error_code"}}``, never the token;
report mode logs on the ``userhash.fastapi`` logger. Each dependency is ``async`` and calls the
library directly: a call takes microseconds and releases the GIL, and every shared object (the
library's, the counts) is safe to use from many tasks and threads.

``pip install userhash[fastapi]``.
"""

# FastAPI reads dependency annotations at run time, closures included: no postponed annotations.
import json
import logging
import os
from contextlib import asynccontextmanager
from typing import Annotated, Any, AsyncIterator, Awaitable, Callable, Dict, Mapping, Optional

from fastapi import Depends, HTTPException, Request

from . import Decision, Identity, Verifier
from ._web.gate import RequestGate, header_text
from ._web.payload import PayloadSource, UnknownPlatform
from ._web.settings import ENV_PREFIX, Problem, SettingsError, env_name, read_settings
from ._web.wiring import Wiring, wire

__all__ = ["UserHash"]

#: The logger of the gate.
LOGGER = logging.getLogger("userhash.fastapi")


class UserHash:
    """The FastAPI integration: configure once, then depend on :attr:`gate`."""

    def __init__(
        self,
        *,
        identity: Callable[..., Any],
        verifier: Optional[Verifier] = None,
        settings: Optional[Mapping[str, object]] = None,
        environ: Optional[Mapping[str, str]] = None,
    ) -> None:
        """``identity``: a dependency (sync or async, with its own dependencies) returning the
        request's Identity or None. ``verifier``: what the gate checks tokens with.
        ``settings``: keys as in ``USERHASH_<KEY>`` lower-cased (``{"enforcement": "report"}``);
        ``environ``: where ``USERHASH_*`` variables are read (default ``os.environ``)."""
        self._verifier = verifier
        self._given = dict(settings or {})
        self._environ = environ
        self._wiring: Optional[Wiring] = None
        self.payload: Callable[..., Awaitable[Optional[Dict[str, Any]]]] = _payload_dependency(
            self, identity
        )
        """The payload as a dependency: ``Annotated[dict | None, Depends(userhash.payload)]``
        is the request user's payload (every configured vendor's token) on the platform the
        ``X-UserHash-Platform`` header names (default: the ``platform`` setting), None for
        nobody; a platform no vendor has keys for raises ``HTTPException(400)``."""
        self.gate: Callable[..., Awaitable[Decision]] = _gate_dependency(self, identity)
        """The gate as a dependency: ``Depends(userhash.gate)`` on a route or a router. It
        returns the library's Decision (also on ``request.state.userhash_decision``), or raises
        ``HTTPException(401)`` when the gate denies."""

    def configure(self) -> None:
        """Reads and checks the settings, loads the config and makes the gate; the lifespan
        calls it. Raises SettingsError naming every bad setting."""
        given = self._given
        environ = _environ(self._environ)
        settings = read_settings(given, environ, _namer(given))
        wants_gate = settings.enforcement is not None or self._verifier is not None
        if "gate_paths" in given or env_name("gate_paths") in environ:
            raise SettingsError(
                [
                    Problem(
                        _namer(given)("gate_paths"),
                        "does not apply to FastAPI",
                        "gate routes with Depends(userhash.gate) on them or on their router",
                    )
                ]
            )
        self._wiring = wire(
            settings,
            _namer(given),
            LOGGER,
            gate=wants_gate,
            verifier=self._verifier,
            verifier_name="UserHash(verifier=...)",
        )

    @asynccontextmanager
    async def lifespan(self, app: object) -> AsyncIterator[None]:
        """``FastAPI(lifespan=userhash.lifespan)``; inside your own lifespan,
        ``async with userhash.lifespan(app): ...``."""
        self.configure()
        yield

    def counts(self) -> Dict[str, int]:
        """The gate's decisions so far, by outcome (see the README)."""
        gate = self._wiring.gate if self._wiring is not None else None
        return gate.counts() if gate is not None else {}

    def wiring(self) -> Wiring:
        """What the settings made; RuntimeError when the app never ran the lifespan."""
        if self._wiring is None:
            raise RuntimeError(
                "userhash is not configured: create the app with FastAPI(lifespan=userhash.lifespan)"
            )
        return self._wiring

    def request_gate(self) -> RequestGate:
        """The configured gate; RuntimeError when there is none (so a route that asks for the
        gate never runs unchecked)."""
        gate = self.wiring().gate
        if gate is None:
            raise RuntimeError(
                f"a route depends on userhash.gate, but {env_name('enforcement')} is not set"
            )
        return gate

    def payload_source(self) -> PayloadSource:
        """What signs payloads; RuntimeError when no config is set."""
        payloads = self.wiring().payloads
        if payloads is None:
            raise RuntimeError(
                f"a route depends on userhash.payload, but {env_name('config')} is not set"
            )
        return payloads


def _environ(environ: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _namer(given: Mapping[str, object]) -> Callable[[str], str]:
    def name(key: str) -> str:
        return f"settings[{key!r}]" if key in given else f"${ENV_PREFIX}{key.upper()}"

    return name


def _payload_dependency(
    owner: UserHash, identity: Callable[..., Any]
) -> Callable[..., Awaitable[Optional[Dict[str, Any]]]]:
    async def userhash_payload(
        request: Request,
        user: Annotated[Optional[Identity], Depends(identity)],
    ) -> Optional[Dict[str, Any]]:
        payloads = owner.payload_source()
        if user is None:
            return None
        settings = owner.wiring().settings
        platform = header_text(request.headers.get(settings.platform_header)) or settings.platform
        try:
            text = payloads.payload_json(user, platform)
        except UnknownPlatform:
            raise HTTPException(400, detail={"error": "unknown platform"}) from None
        found: Optional[Dict[str, Any]] = json.loads(text) if text is not None else None
        return found

    return userhash_payload


def _gate_dependency(
    owner: UserHash, identity: Callable[..., Any]
) -> Callable[..., Awaitable[Decision]]:
    async def userhash_gate(
        request: Request,
        user: Annotated[Optional[Identity], Depends(identity)],
    ) -> Decision:
        gate = owner.request_gate()
        settings = gate.settings
        result = gate.decide(
            user,
            request.headers.get(settings.token_header),
            request.headers.get(settings.platform_header),
            request.method,
            request.url.path,
        )
        request.state.userhash_decision = result.decision
        if not result.allowed:
            raise HTTPException(result.status, detail=result.body(), headers=result.headers())
        return result.decision

    return userhash_gate
