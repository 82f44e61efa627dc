"""What the framework integrations (``userhash.django``, ``userhash.fastapi``,
``userhash.flask``) share: their settings, and the gate applied to HTTP requests. Private: each
framework's module is the public API."""
