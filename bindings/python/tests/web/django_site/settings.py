"""The Django test site: contrib.auth users in SQLite, signed-cookie sessions, the gate.

``SITE_USERHASH`` (JSON) is ``settings.USERHASH``; ``SITE_DATABASE`` the SQLite file.
"""

import os

import site_keys

SECRET_KEY = "django-test-site-key-not-a-userhash-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "userhash.django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "userhash.django.middleware.GateMiddleware",
]
if os.environ.get("SITE_GATE_FIRST"):
    MIDDLEWARE.insert(0, MIDDLEWARE.pop())
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
ROOT_URLCONF = "django_site.urls"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("SITE_DATABASE", ":memory:")}
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
USERHASH = {"verifier": "site_keys.verifier", **site_keys.settings()}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "userhash": {"handlers": ["stderr"], "level": "DEBUG"},
        "django": {"handlers": ["stderr"], "level": "INFO"},
    },
}
