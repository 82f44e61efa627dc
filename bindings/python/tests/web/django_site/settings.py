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
    "rest_framework",
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
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "userhash.django.context_processors.payload",
            ]
        },
    }
]
REST_FRAMEWORK = {"UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser"}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
# The username is the id the vendors know the user by (the default would be the pk).
USERHASH = {
    "verifier": "site_keys.verifier",
    "identity": {"user_id": "username", "email": "email"},
    **site_keys.settings(),
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "userhash": {"handlers": ["stderr"], "level": "DEBUG"},
        "django": {"handlers": ["stderr"], "level": "INFO"},
    },
}
