"""userhash for Django: the request user's payload in templates and DRF, a gate middleware,
and settings checked by ``manage.py check``.

::

    INSTALLED_APPS = [..., "userhash.django"]
    MIDDLEWARE = [..., "django.contrib.auth.middleware.AuthenticationMiddleware",
                  "userhash.django.middleware.GateMiddleware"]
    USERHASH = {"config": BASE_DIR / "userhash.toml", "app": "acme", "env": "production",
                "vendor": "intercom", "enforcement": "report", "gate_paths": ["/api/"]}

In a template: ``{% load userhash %}{% userhash_payload %}``. See :mod:`userhash.django.conf`
for every setting. ``pip install userhash[django]`` (``[drf]`` for the serializer field).
"""
