"""From checked settings to the working parts: the payload source and the request gate.

Every integration wires the same way: with ``config`` set, the config file's app and
environment sign payloads, and the gate checks the tokens of one of its vendors (``vendor``,
needed when the environment has several); a verifier passed in code (or named by Django's
``USERHASH['verifier']``) checks instead, for apps that build keys themselves. The gate is made
only when the app uses it, and then it needs a mode: a gate never runs in one nobody chose.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, List, Optional

from .._ffi.userhash import Gate, Verifier
from .gate import RequestGate
from .payload import PayloadSource, load_payload_source
from .settings import Problem, Settings, SettingsError

__all__ = ["Wiring", "wire"]


@dataclass(frozen=True)
class Wiring:
    """What an app's settings made."""

    #: The checked settings.
    settings: Settings
    #: What signs payloads (None without ``config``).
    payloads: Optional[PayloadSource]
    #: The gate (None when the app does not gate).
    gate: Optional[RequestGate]


def wire(
    settings: Settings,
    name: Callable[[str], str],
    logger: logging.Logger,
    *,
    gate: bool,
    verifier: Optional[Verifier] = None,
    verifier_name: str = "verifier",
) -> Wiring:
    """Loads the config (reading its secrets) and makes the gate when ``gate`` is true; raises
    SettingsError naming every setting that stands in the way."""
    problems: List[Problem] = []
    payloads = None
    if settings.config is not None:
        payloads = load_payload_source(settings, name, problems)
    request_gate = None
    if gate:
        if settings.enforcement is None:
            problems.append(
                Problem(
                    name("enforcement"),
                    "is not set, and the gate needs a mode",
                    "set it to 'off', 'report' or 'enforce'",
                )
            )
        if verifier is None and payloads is not None:
            verifier = payloads.verifier(settings.vendor, name, problems)
        elif verifier is None and settings.config is None:
            problems.append(
                Problem(
                    name("config"),
                    "is not set, and the gate needs keys",
                    f"set config, app and env (and vendor), or {verifier_name}",
                )
            )
        if verifier is not None and settings.enforcement is not None and not problems:
            request_gate = RequestGate(Gate(verifier, settings.enforcement), settings, logger)
    if problems:
        raise SettingsError(problems)
    return Wiring(settings, payloads, request_gate)
