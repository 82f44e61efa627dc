"""The Django app: registers the system checks of ``settings.USERHASH``."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class UserHashConfig(AppConfig):
    """``INSTALLED_APPS = [..., "userhash.django"]``."""

    name = "userhash.django"
    label = "userhash"
    verbose_name = "userhash"

    def ready(self) -> None:
        from .checks import check_settings

        checks.register(check_settings, "userhash")
