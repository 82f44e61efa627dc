"""The payload as a page carries it: a JSON data block inside a ``<script>`` element.

The payload's JSON goes in as it is, except ``<``, ``>`` and ``&``, written as the JSON escapes
``\\u003C``, ``\\u003E`` and ``\\u0026`` (what Django's ``json_script`` does): the text then
cannot end the element, open a comment or start an entity, whatever a user's name or email
holds, and ``JSON.parse`` reads the same value. The element's id and the CSP nonce are
attribute-escaped. Django and Flask both render through here.
"""

from __future__ import annotations

from html import escape
from typing import Optional

__all__ = ["DEFAULT_ELEMENT_ID", "script_element"]

#: The id the page's script finds the payload by.
DEFAULT_ELEMENT_ID = "userhash-payload"

_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script_element(payload_json: str, element_id: str, nonce: Optional[str]) -> str:
    """``<script type="application/json" id=... nonce=...>{payload}</script>``, safe as HTML."""
    nonce_attribute = f' nonce="{escape(nonce)}"' if nonce else ""
    return (
        f'<script type="application/json" id="{escape(element_id)}"{nonce_attribute}>'
        f"{payload_json.translate(_SCRIPT_ESCAPES)}</script>"
    )
