"""The test site's routes: a login stand-in, a gated API, a public page, the gate's counts."""

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from django.urls import path

from userhash.django import conf


def test_login(request: HttpRequest, username: str) -> JsonResponse:
    user, _ = User.objects.get_or_create(username=username)
    user.email = request.GET.get("email", "")
    user.save()
    login(request, user)
    return JsonResponse({"user_id": str(user.pk), "email": user.email or None})


def echo(request: HttpRequest) -> JsonResponse:
    decision = getattr(request, "userhash_decision", None)
    return JsonResponse({"ok": True, "outcome": decision.outcome.name.lower() if decision else None})


def public(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def counts(request: HttpRequest) -> JsonResponse:
    return JsonResponse(conf.request_gate().counts())


urlpatterns = [
    path("test/login/<str:username>", test_login),
    path("test/counts", counts),
    path("api/echo", echo),
    path("public", public),
]
