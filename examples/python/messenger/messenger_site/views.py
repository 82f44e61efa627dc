"""The example's views. No userhash code here beyond reading what the integration decided."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie

from userhash.django import conf


def login_as(request: HttpRequest) -> HttpResponse:
    """A stand-in for the app's login: ``/login?user=ada`` logs in as ada (made on first use)."""
    name = request.GET.get("user", "")
    if not name.isalnum():
        return JsonResponse({"error": "user must be letters and digits"}, status=400)
    user, created = User.objects.get_or_create(username=name)
    if created:
        user.email = f"{name}@example.com"
        user.save()
    login(request, user)
    return redirect("page")


@ensure_csrf_cookie
def page(request: HttpRequest) -> HttpResponse:
    """The page: its template renders the payload and boots the stub messenger from it."""
    return render(request, "messenger/page.html")


def verify(request: HttpRequest) -> JsonResponse:
    """Where the messenger sends what it was booted with. The gate middleware has decided by
    now: under enforce a rejected hash never gets here (401)."""
    decision = request.userhash_decision  # type: ignore[attr-defined]
    return JsonResponse(
        {"outcome": decision.outcome.name.lower(), "label": decision.label, "allowed": True}
    )


def counts(request: HttpRequest) -> JsonResponse:
    """The gate's decisions so far, by outcome: what the tests and the demo read back."""
    return JsonResponse(conf.request_gate().counts())
