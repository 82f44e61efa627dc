"""The keys every test site verifies with, from SITE_* variables the tests set.

``SITE_SCHEME`` (default ``intercom``), ``SITE_SECRET_WEB`` and ``SITE_SECRET_IOS``: a keyring
with the platforms ``web`` and ``ios``, for Django's ``USERHASH['verifier']``. Read when the site
starts, as an app would read its own. The other sites take the same keys from the config file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict

from userhash import Keyring, Scheme, Verifier


def verifier() -> Verifier:
    keyring = Keyring(Scheme.by_name(os.environ.get("SITE_SCHEME", "intercom")))
    for platform in ("web", "ios"):
        keyring = keyring.with_key(platform, os.environ[f"SITE_SECRET_{platform.upper()}"])
    return Verifier(keyring)


#: The config file every site reads its payload (and, but for Django's, its gate's keys) from.
CONFIG = str(Path(__file__).resolve().parent / "site_userhash.toml")
#: Where in it.
WHERE = {"config": CONFIG, "app": "site", "env": "test", "vendor": "intercom"}


def settings() -> Dict[str, Any]:
    """The integration's settings for this run: the config file's place, then ``SITE_USERHASH``
    (JSON) on top."""
    found = json.loads(os.environ.get("SITE_USERHASH", "{}"))
    assert isinstance(found, dict)
    return {**WHERE, **found}
