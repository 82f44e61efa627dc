"""The gate middleware: off → report → enforce, for apps that verify tokens themselves.

For each request under ``USERHASH['gate_paths']``, the request's user (through
``USERHASH['identity']``), the token header (``X-UserHash-Token``) and the platform header
(``X-UserHash-Platform``; absent: any of the verifier's keys) go to the library's gate. A denied
request (enforce) gets 401 and ``{"error", "outcome", "error_code"}`` as JSON — never the token.
Report mode lets every request through and logs each one enforce would deny, with the running
counts, on the ``userhash.django`` logger. The decision rides on ``request.userhash_decision``.
"""

from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from . import conf


def meta_key(header: str) -> str:
    """Where Django keeps a request header: ``X-UserHash-Token`` → ``HTTP_X_USERHASH_TOKEN``."""
    return "HTTP_" + header.upper().replace("-", "_")


class GateMiddleware:
    """``MIDDLEWARE = [..., AuthenticationMiddleware, "userhash.django.middleware.GateMiddleware"]``.

    Built when the server loads the app, so bad settings stop the server at start-up with
    ImproperlyConfigured naming the setting.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.gate = conf.request_gate()
        settings = self.gate.settings
        self.token_key = meta_key(settings.token_header)
        self.platform_key = meta_key(settings.platform_header)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.gate.applies_to(request.path_info):
            return self.get_response(request)
        result = self.gate.decide(
            conf.identity_of(getattr(request, "user", None)),
            request.META.get(self.token_key),
            request.META.get(self.platform_key),
            request.method or "",
            request.path_info,
        )
        request.userhash_decision = result.decision  # type: ignore[attr-defined]
        if result.allowed:
            return self.get_response(request)
        response = JsonResponse(result.body(), status=result.status)
        for header, value in result.headers().items():
            response[header] = value
        return response
