"""The payload source: the config file's app and environment, loaded once at start-up.

``config``, ``app`` and ``env`` select them; :func:`load_payload_source` reads the file and every
secret it names (so a missing variable stops the app at start-up, not at the first page) and
records a problem naming the setting at fault. :class:`PayloadSource` then signs, per request,
through the library's ``PayloadSigner``: every vendor in its slot, a vendor that cannot sign
reporting its error code there. What a platform, a vendor or an identity may be is the
library's to say; this module only maps its typed errors onto settings and answers.
"""

from __future__ import annotations

from typing import Callable, List, Optional

from .._ffi.userhash import Config, Identity, UserHashError, Verifier, error_code_name
from .. import error_code
from .settings import Problem, Settings

__all__ = ["PayloadSource", "UnknownPlatform", "load_payload_source"]

# The library's error codes this module acts on.
_UNKNOWN_PLATFORM = "config_unknown_platform"
_UNIDENTIFIED = "unidentified"
# Which setting a config error is about, by its code; any other is about the file.
_SETTING_OF_CODE = {
    "config_unknown_app": "app",
    "config_unknown_environment": "env",
    "config_unknown_vendor": "vendor",
}


class UnknownPlatform(LookupError):
    """No configured vendor has keys for the platform a request asked for. Carries no value:
    the platform came from the request, and answers never echo it."""


class PayloadSource:
    """Signs payloads for one app's environment; share one across threads."""

    def __init__(self, config: Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.app = settings.app or ""
        self.env = settings.env or ""
        self.signer = config.payload_signer(self.app, self.env)

    def payload_json(self, identity: Identity, platform: str) -> Optional[str]:
        """The payload's JSON, or None when the identity identifies nobody (neither an id nor an
        email: every vendor says ``unidentified``). Raises :class:`UnknownPlatform` when no
        vendor serves ``platform``; a vendor that lacks it reports so in its slot."""
        try:
            payload = self.signer.payload(identity, platform)
        except UserHashError as error:
            if _code(error) == _UNKNOWN_PLATFORM:
                raise UnknownPlatform() from None
            raise
        entries = payload.entries()
        codes = [entry.error_code for entry in entries]
        if entries and all(
            code is not None and error_code_name(code) == _UNIDENTIFIED for code in codes
        ):
            return None
        return payload.to_json()

    def verifier(
        self, vendor: Optional[str], name: Callable[[str], str], problems: List[Problem]
    ) -> Optional[Verifier]:
        """The verifier of ``vendor`` (the environment's only one when None), for the gate."""
        try:
            return self.config.verifier(self.app, self.env, vendor)
        except UserHashError as error:
            problems.append(_problem(error, name, default="vendor"))
            return None


def load_payload_source(
    settings: Settings, name: Callable[[str], str], problems: List[Problem]
) -> Optional[PayloadSource]:
    """Loads the config file and its secrets; None after recording the problems."""
    missing = [key for key in ("app", "env") if getattr(settings, key) is None]
    for key in missing:
        problems.append(
            Problem(name(key), "is not set, and the config needs it", f"name the {key} to use")
        )
    if missing or settings.config is None:
        return None
    try:
        return PayloadSource(Config.load(settings.config), settings)
    except UserHashError as error:
        problems.append(_problem(error, name, default="config"))
        return None


def _code(error: UserHashError) -> str:
    try:
        return error_code_name(error_code(error))
    except TypeError:
        return ""


def _problem(error: UserHashError, name: Callable[[str], str], default: str) -> Problem:
    """A config error as a problem of the setting it is about. The library's messages name
    the file, the key path and the variable, never a secret."""
    code = _code(error)
    key = _SETTING_OF_CODE.get(code, default)
    return Problem(name(key), f"{code}: {error}", "fix the setting or the config file it names")
