"""A Django REST framework field for ``/me`` responses: the user's payload.

::

    from userhash.django.rest_framework import UserHashPayloadField

    class MeSerializer(serializers.ModelSerializer):
        userhash = UserHashPayloadField()        # the payload of the serialized user
        class Meta:
            model = User
            fields = ["id", "email", "userhash"]

The platform is the request's ``X-UserHash-Platform`` header (``USERHASH['platform_header']``),
else ``UserHashPayloadField(platform="ios")``, else ``USERHASH['platform']``: a mobile app asks
for its own platform's tokens. A platform no configured vendor knows answers 400
``{"platform": ["unknown platform"]}`` (the header's value is not echoed). An anonymous user (or
one with no identity) serializes as ``null``. ``pip install userhash[drf]``.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from rest_framework import serializers

from .._web.gate import header_text
from .._web.payload import UnknownPlatform
from . import conf
from .middleware import meta_key


class UserHashPayloadField(serializers.Field):  # type: ignore[misc]
    """A read-only field holding the serialized user's payload (a JSON object), or null."""

    def __init__(self, platform: Optional[str] = None, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        self.platform = platform
        super().__init__(**kwargs)

    def to_representation(self, user: Any) -> Any:
        request = self.context.get("request")
        platform = self.platform
        if request is not None:
            header = meta_key(conf.settings().common.platform_header)
            platform = header_text(request.META.get(header)) or platform
        try:
            text = conf.payload_json(request, user, platform)
        except UnknownPlatform:
            raise serializers.ValidationError({"platform": ["unknown platform"]}) from None
        return json.loads(text) if text is not None else None
