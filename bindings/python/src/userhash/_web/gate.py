"""The rollout gate applied to HTTP requests, shared by the framework integrations.

A framework hands over what it found in the request — the user's identity, the raw token and
platform headers, the method and path — and :class:`RequestGate` asks the library's
:class:`~userhash.Gate`, counts the outcome, logs it, and says how to answer. The decision itself
(verified, missing, invalid, unidentified; allowed or not) is the library's: nothing here
judges a token.

What never leaves this module: the token (not in the answer, not in a log line) and any header
value that is not a short, plain platform name.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from .._ffi.userhash import Decision, Gate, Identity, error_code_name
from .settings import Settings

__all__ = ["GateResult", "RequestGate", "header_text"]

#: The status of a request the gate denies. 401: the request lacks valid credentials; the
#: ``WWW-Authenticate`` header names the header that should carry them.
DENIED_STATUS = 401
# A platform header is shown in logs only when it looks like a platform name.
_SHOWABLE_PLATFORM = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
# Paths are logged, but not without end.
_PATH_LIMIT = 200


def header_text(value: Union[str, bytes, None]) -> Optional[str]:
    """A header's value as text, from the bytes on the wire.

    WSGI and ASGI servers hand header values over as Latin-1 text (each byte one character) or as
    bytes; both are turned back into bytes and read as UTF-8. Bytes that are not UTF-8 become
    U+FFFD, so a token holding them can never equal one a signer made (signers make text) and
    the library rejects it as malformed: a typed outcome, with nothing to decode by hand.
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value  # already decoded as UTF-8 by the framework
    return raw.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class GateResult:
    """What the gate decided for one request, and how to answer when it denies."""

    #: The library's decision.
    decision: Decision
    #: The header the token is expected in (for ``WWW-Authenticate``).
    token_header: str

    @property
    def allowed(self) -> bool:
        """Whether the request goes on to its view."""
        return self.decision.allowed

    @property
    def status(self) -> int:
        """The HTTP status of the denial (only meaningful when not :attr:`allowed`)."""
        return DENIED_STATUS

    def body(self) -> Dict[str, Optional[str]]:
        """The JSON body of the denial: the outcome and the error code, never the token."""
        code = self.decision.error_code
        return {
            "error": "identity verification failed",
            "outcome": self.decision.outcome.name.lower(),
            "error_code": error_code_name(code) if code is not None else None,
        }

    def headers(self) -> Dict[str, str]:
        """The headers of the denial."""
        return {"WWW-Authenticate": f'UserHash header="{self.token_header}"'}


class RequestGate:
    """A library :class:`~userhash.Gate` applied to requests; thread- and task-safe.

    Every decision is counted by outcome; a request the gate denies, or would deny under enforce
    (report mode), is logged at WARNING with the running counts, every other at DEBUG.
    """

    def __init__(self, gate: Gate, settings: Settings, logger: logging.Logger) -> None:
        self.gate = gate
        self.settings = settings
        self.logger = logger
        self.mode = gate.enforcement()
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def applies_to(self, path: str) -> bool:
        """Whether the gate covers this path (the ``gate_paths`` prefixes)."""
        return any(path.startswith(prefix) for prefix in self.settings.gate_paths)

    def decide(
        self,
        identity: Optional[Identity],
        token: Union[str, bytes, None],
        platform: Union[str, bytes, None],
        method: str = "",
        path: str = "",
    ) -> GateResult:
        """Decides on one request. ``identity`` is the request's user (None: nobody is logged
        in); ``token`` and ``platform`` are the raw header values, absent as None."""
        token_text = header_text(token)
        platform_text = header_text(platform)
        who = identity if identity is not None else Identity(user_id=None, email=None)
        if platform_text is None:
            decision = self.gate.check(who, token_text)
        else:
            decision = self.gate.check(who, token_text, platform_text)
        counts = self._count(decision)
        self._log(decision, platform_text, method, path, counts)
        return GateResult(decision, self.settings.token_header)

    def counts(self) -> Dict[str, int]:
        """How many requests were decided, by outcome (``verified``, ``missing``, ``invalid``,
        ``unidentified``, ``not_checked``), plus ``checked``, ``would_deny`` and ``denied``."""
        with self._lock:
            return dict(self._counts)

    def _count(self, decision: Decision) -> Dict[str, int]:
        with self._lock:
            self._counts[decision.outcome.name.lower()] += 1
            self._counts["checked"] += 1
            if decision.would_deny_when_enforced:
                self._counts["would_deny"] += 1
            if not decision.allowed:
                self._counts["denied"] += 1
            return dict(self._counts)

    def _log(
        self,
        decision: Decision,
        platform: Optional[str],
        method: str,
        path: str,
        counts: Dict[str, int],
    ) -> None:
        code = decision.error_code
        fields: Dict[str, Any] = {
            "mode": self.mode.name.lower(),
            "outcome": decision.outcome.name.lower(),
            "error_code": error_code_name(code) if code is not None else None,
            "label": decision.label,
            "platform": _shown_platform(platform),
            "method": method,
            "path": path[:_PATH_LIMIT],
            "counts": counts,
        }
        if not decision.allowed:
            verdict, level = "denied", logging.WARNING
        elif decision.would_deny_when_enforced:
            verdict, level = "would deny", logging.WARNING
        else:
            verdict, level = "allowed", logging.DEBUG
        if not self.logger.isEnabledFor(level):
            return
        self.logger.log(
            level,
            "userhash gate (%s): %s %s %r: outcome=%s error=%s label=%s platform=%s "
            "[%d would deny, %d denied, of %d checked]",
            fields["mode"],
            verdict,
            method,
            fields["path"],
            fields["outcome"],
            fields["error_code"],
            decision.label,
            fields["platform"],
            counts.get("would_deny", 0),
            counts.get("denied", 0),
            counts["checked"],
            extra={"userhash": fields},
        )


def _shown_platform(platform: Optional[str]) -> Optional[str]:
    """The platform header for a log line: itself when it looks like a platform name, else only
    its length (it could be anything an attacker sent, a token included)."""
    if platform is None or _SHOWABLE_PLATFORM.match(platform):
        return platform
    return f"<{len(platform)} characters, not shown>"

