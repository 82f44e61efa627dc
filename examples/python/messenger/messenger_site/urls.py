"""The example's routes: a stand-in login, the page, the messenger's verify endpoint (gated),
and the gate's counts."""

from pathlib import Path

from django.urls import path, re_path
from django.views.static import serve

from . import views

STATIC = Path(__file__).resolve().parent / "static"

urlpatterns = [
    path("", views.page, name="page"),
    path("login", views.login_as, name="login"),
    path("api/messenger/verify", views.verify, name="messenger-verify"),
    path("gate/counts", views.counts, name="gate-counts"),
    # The stub messenger's script. A production deployment serves static files from its web
    # server or whitenoise; Django's own view keeps the example to one process.
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": STATIC}),
]
