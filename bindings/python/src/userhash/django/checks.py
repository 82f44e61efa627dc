"""System checks: ``manage.py check`` (and ``runserver``, ``migrate``) name every bad setting.

``userhash.E001``: a value of ``settings.USERHASH`` (or of a ``USERHASH_*`` environment
variable) is wrong; ``userhash.E002``: the parts cannot be made (the config file, a secret it
names, the gate's mode or keys);
``userhash.E003``: the gate middleware comes before Django's authentication middleware, so it
would see no user.
"""

from __future__ import annotations

from typing import Any, List

from django.conf import settings as django_settings
from django.core import checks

from . import conf

#: The middleware the gate needs before it.
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"
#: The gate.
GATE = conf.GATE_MIDDLEWARE


def check_settings(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """The userhash checks (registered by the app under the tag ``userhash``)."""
    found = [
        checks.Error(f"{problem.setting} {problem.message}", hint=problem.hint, id="userhash.E001")
        for problem in conf.problems()
    ]
    if found:
        return found
    found.extend(
        checks.Error(f"{problem.setting} {problem.message}", hint=problem.hint, id="userhash.E002")
        for problem in conf.wiring_problems()
    )
    middleware = list(getattr(django_settings, "MIDDLEWARE", None) or [])
    if GATE in middleware and AUTHENTICATION not in middleware[: middleware.index(GATE)]:
        found.append(
            checks.Error(
                f"MIDDLEWARE lists {GATE} without {AUTHENTICATION} before it",
                hint="the gate checks the request's user: put it after the authentication middleware",
                id="userhash.E003",
            )
        )
    return found
