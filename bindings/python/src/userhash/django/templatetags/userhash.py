"""``{% load userhash %}`` and ``{% userhash_payload %}``: the request user's payload in the page.

Renders ``<script type="application/json" id="userhash-payload">{...}</script>``: the payload's
JSON escaped for a ``<script>`` element the way Django's ``json_script`` escapes (no user data
can close it), carrying the response's CSP nonce when there is one (the ``csp_nonce`` context
variable of Django's and django-csp's context processors, or ``request.csp_nonce``), so the
page's boot snippet and the data share one policy. Nothing for an anonymous visitor. The page's
own script reads it with ``JSON.parse(document.getElementById("userhash-payload").textContent)``.

``{% userhash_payload "my-id" platform="ios" %}`` changes the element's id and the platform.
"""

from __future__ import annotations

from typing import Any, Optional

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..._web.render import DEFAULT_ELEMENT_ID, script_element
from .. import conf

register = template.Library()


@register.simple_tag(takes_context=True)
def userhash_payload(
    context: Any, element_id: str = DEFAULT_ELEMENT_ID, platform: Optional[str] = None
) -> SafeString:
    """The payload of the request's user as a JSON data block, or nothing for a visitor."""
    request = context.get("request")
    user = context.get("user", getattr(request, "user", None))
    text = conf.payload_json(request, user, platform)
    if text is None:
        return mark_safe("")
    nonce = context.get("csp_nonce") or getattr(request, "csp_nonce", None)
    return mark_safe(script_element(text, element_id, nonce and str(nonce)))
