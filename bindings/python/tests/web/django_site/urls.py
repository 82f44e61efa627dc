"""The test site's routes: a login stand-in, a gated API, a public page, the gate's counts."""

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import RequestContext, Template
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from userhash.django import conf
from userhash.django.rest_framework import UserHashPayloadField


def test_login(request: HttpRequest) -> JsonResponse:
    user, _ = User.objects.get_or_create(username=request.GET["user"])
    user.email = request.GET.get("email", "")
    user.save()
    login(request, user)
    return JsonResponse({"user_id": user.username, "email": user.email or None})


def echo(request: HttpRequest) -> JsonResponse:
    decision = getattr(request, "userhash_decision", None)
    return JsonResponse({"ok": True, "outcome": decision.outcome.name.lower() if decision else None})


PAGE = Template(
    "{% load userhash %}<!doctype html><title>site</title>{% userhash_payload %}"
    "<p id=lazy>{% if userhash_payload %}{{ userhash_payload.data.intercom.user_id }}{% endif %}</p>"
)


def page(request: HttpRequest) -> HttpResponse:
    if "nonce" in request.GET:
        request.csp_nonce = request.GET["nonce"]  # type: ignore[attr-defined]
    return HttpResponse(PAGE.render(RequestContext(request)))


class MeSerializer(serializers.Serializer):  # type: ignore[misc]
    username = serializers.CharField(read_only=True, default=None)
    userhash = UserHashPayloadField()


@api_view(["GET"])
def me(request: Request) -> Response:
    return Response(MeSerializer(request.user, context={"request": request}).data)


def public(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def counts(request: HttpRequest) -> JsonResponse:
    return JsonResponse(conf.request_gate().counts())


urlpatterns = [
    path("test/login", test_login),
    path("test/counts", counts),
    path("api/echo", echo),
    path("public", public),
    path("page", page),
    path("me", me),
]
