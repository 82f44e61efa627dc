"""The example's Django settings: contrib.auth users in SQLite, a strict CSP with nonces, and
userhash (payload on the page, the gate on the messenger's verify endpoint).

The gate's mode comes from ``USERHASH_ENFORCEMENT`` (off, report or enforce), the secrets from
the variables userhash.toml names, the database file from ``MESSENGER_DATABASE``.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "messenger-example-only-not-a-userhash-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "userhash.django",
    "messenger_site",
]
MIDDLEWARE = [
    "messenger_site.csp.NonceCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "userhash.django.middleware.GateMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
ROOT_URLCONF = "messenger_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("MESSENGER_DATABASE", str(HERE.parent / "messenger.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
STATIC_URL = "static/"
USE_TZ = True

USERHASH = {
    "config": str(HERE.parent / "userhash.toml"),
    "app": "messenger",
    "env": "local",
    "vendor": "intercom",  # the gate checks Intercom's hashes
    "gate_paths": ["/api/messenger/"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "userhash": {"handlers": ["stderr"], "level": "INFO"},
        "django": {"handlers": ["stderr"], "level": "INFO"},
    },
}
