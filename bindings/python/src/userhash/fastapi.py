"""userhash for FastAPI (and Starlette's request model): a gate as a dependency.

::

    from userhash.fastapi import UserHash

    userhash = UserHash(identity=current_identity, verifier=verifier)   # settings: USERHASH_* env
    app = FastAPI(lifespan=userhash.lifespan)
    api = APIRouter(dependencies=[Depends(userhash.gate)])              # gate these routes

``identity`` is your own dependency returning the request's :class:`~userhash.Identity` (None
for nobody); ``userhash.gate`` depends on it. Settings (``enforcement``, ``token_header``, ...)
come from ``settings={...}`` or ``USERHASH_*`` environment variables and are checked when the
app starts (the lifespan), so a bad one stops the server naming the setting. The gate answers a
denied request with 401 and ``{"detail": {"error", "outcome", "error_code"}}``, never the token;
report mode logs on the ``userhash.fastapi`` logger. Each dependency is ``async`` and calls the
library directly: a check takes microseconds and releases the GIL, and every shared object
(the library's, the counts) is safe to use from many tasks and threads.

``pip install userhash[fastapi]``.
"""

# FastAPI reads dependency annotations at run time, closures included: no postponed annotations.
import logging
import os
from contextlib import asynccontextmanager
from typing import Annotated, Any, AsyncIterator, Awaitable, Callable, Dict, Mapping, Optional

from fastapi import Depends, HTTPException, Request

from . import Decision, Gate, Identity, Verifier
from ._web.gate import RequestGate
from ._web.settings import ENV_PREFIX, Problem, Settings, SettingsError, env_name, read_settings

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
        self._settings: Optional[Settings] = None
        self._gate: Optional[RequestGate] = None
        self.gate: Callable[..., Awaitable[Decision]] = _gate_dependency(self, identity)
        """The gate as a dependency: ``Depends(userhash.gate)`` on a route or a router. It
        returns the library's Decision (also on ``request.state.userhash_decision``), or raises
        ``HTTPException(401)`` when the gate denies."""

    def configure(self) -> None:
        """Reads and checks the settings; the lifespan calls it. Raises SettingsError naming
        every bad setting."""
        given = self._given
        settings = read_settings(given, _environ(self._environ), _namer(given))
        gate = None
        if settings.enforcement is not None or self._verifier is not None:
            gate = self._make_gate(settings)
        self._settings, self._gate = settings, gate

    @asynccontextmanager
    async def lifespan(self, app: object) -> AsyncIterator[None]:
        """``FastAPI(lifespan=userhash.lifespan)``; inside your own lifespan,
        ``async with userhash.lifespan(app): ...``."""
        self.configure()
        yield

    def counts(self) -> Dict[str, int]:
        """The gate's decisions so far, by outcome (see the README)."""
        return self._gate.counts() if self._gate is not None else {}

    def request_gate(self) -> RequestGate:
        """The configured gate; RuntimeError when the app never ran the lifespan or configured
        no gate (so a route that asks for the gate never runs unchecked)."""
        if self._settings is None:
            raise RuntimeError(
                "userhash is not configured: create the app with FastAPI(lifespan=userhash.lifespan)"
            )
        if self._gate is None:
            raise RuntimeError(
                f"a route depends on userhash.gate, but {env_name('enforcement')} is not set"
            )
        return self._gate

    def _make_gate(self, settings: Settings) -> RequestGate:
        problems = []
        if "gate_paths" in self._given or env_name("gate_paths") in _environ(self._environ):
            problems.append(
                Problem(
                    _namer(self._given)("gate_paths"),
                    "does not apply to FastAPI",
                    "gate routes with Depends(userhash.gate) on them or on their router",
                )
            )
        if settings.enforcement is None:
            problems.append(
                Problem(
                    _namer(self._given)("enforcement"),
                    "is not set, and the gate needs a mode",
                    "set it to 'off', 'report' or 'enforce'",
                )
            )
        if self._verifier is None:
            problems.append(
                Problem("UserHash(verifier=...)", "is not set", "pass the userhash.Verifier")
            )
        if problems or settings.enforcement is None or self._verifier is None:
            raise SettingsError(problems)
        return RequestGate(Gate(self._verifier, settings.enforcement), settings, LOGGER)


def _environ(environ: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _namer(given: Mapping[str, object]) -> Callable[[str], str]:
    def name(key: str) -> str:
        return f"settings[{key!r}]" if key in given else f"${ENV_PREFIX}{key.upper()}"

    return name


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
