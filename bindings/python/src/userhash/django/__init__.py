"""userhash for Django: settings checked by ``manage.py check``, and a gate middleware.

Add the app and the middleware (after Django's authentication middleware)::

    INSTALLED_APPS = [..., "userhash.django"]
    MIDDLEWARE = [..., "django.contrib.auth.middleware.AuthenticationMiddleware",
                  "userhash.django.middleware.GateMiddleware"]
    USERHASH = {"verifier": "myproject.keys.verifier", "enforcement": "report"}

See :mod:`userhash.django.conf` for every setting. ``pip install userhash[django]``.
"""
