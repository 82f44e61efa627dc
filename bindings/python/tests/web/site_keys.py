"""The keys every test site verifies with, from SITE_* variables the tests set.

``SITE_SCHEME`` (default ``intercom``), ``SITE_SECRET_WEB`` and ``SITE_SECRET_IOS``: a keyring
with the platforms ``web`` and ``ios``. Read when the site starts, as an app would read its own.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict

from userhash import Keyring, Scheme, Verifier


def verifier() -> Verifier:
    keyring = Keyring(Scheme.by_name(os.environ.get("SITE_SCHEME", "intercom")))
    for platform in ("web", "ios"):
        keyring = keyring.with_key(platform, os.environ[f"SITE_SECRET_{platform.upper()}"])
    return Verifier(keyring)


def settings() -> Dict[str, Any]:
    """The integration's settings for this run (``SITE_USERHASH``, JSON)."""
    found = json.loads(os.environ.get("SITE_USERHASH", "{}"))
    assert isinstance(found, dict)
    return found
