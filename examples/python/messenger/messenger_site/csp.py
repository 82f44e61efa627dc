"""A strict Content-Security-Policy with a fresh nonce per response (what django-csp, or Django
6's own CSP support, does): only scripts carrying the nonce run, so the page's boot snippet must
get it, and the payload tag puts it on the payload's element too."""

from __future__ import annotations

import secrets
from typing import Callable

from django.http import HttpRequest, HttpResponse


class NonceCSPMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'nonce-{nonce}'; object-src 'none'; base-uri 'none'"
        )
        return response
