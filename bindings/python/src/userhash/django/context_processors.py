"""``userhash.django.context_processors.payload``: ``userhash_payload`` in every template.

A lazy value: nothing is signed unless a template uses it. ``{{ userhash_payload.data }}`` is the
payload as a dict (None for an anonymous visitor), for ``{{ userhash_payload.data|json_script:"id" }}``
or your own rendering; ``{% userhash_payload %}`` renders the same payload (computed once per
request) with the CSP nonce.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from django.http import HttpRequest

from . import conf


class LazyPayload:
    """The request user's payload, computed on first use."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @property
    def json(self) -> Optional[str]:
        """The payload's JSON text, or None for an anonymous visitor."""
        return conf.payload_json(self._request, getattr(self._request, "user", None), None)

    @property
    def data(self) -> Optional[Dict[str, Any]]:
        """The payload as a dict, or None for an anonymous visitor."""
        text = self.json
        return json.loads(text) if text is not None else None

    def __bool__(self) -> bool:
        return self.json is not None


def payload(request: HttpRequest) -> Dict[str, LazyPayload]:
    """The context processor."""
    return {"userhash_payload": LazyPayload(request)}
