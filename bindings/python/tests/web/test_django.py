"""userhash.django over HTTP: the test site under Django's own threaded WSGI server."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict

from harness import Client, Server, assert_nothing_leaked, python_env, serve_command, start
from site_contract import SECRETS, PageContract, site_env

DATABASE = Path(tempfile.mkdtemp(prefix="userhash-django-site-")) / "site.sqlite3"


def django_env(env: Dict[str, str]) -> Dict[str, str]:
    return python_env(
        DJANGO_SETTINGS_MODULE="django_site.settings", SITE_DATABASE=str(DATABASE), **env
    )


class TestDjango(PageContract):
    BASE = {"gate_paths": ["/api/"]}

    @staticmethod
    def start_site(env: Dict[str, str]) -> Server:
        return start(serve_command("django"), django_env(env))

    @staticmethod
    def setting(key: str) -> str:
        return f"USERHASH[{key!r}]"

    def test_me_is_empty_for_a_user_with_neither_id_nor_email(self, report: Server) -> None:
        # A Django user always has a pk: with USERHASH['identity'] = {"email": "email"}, a user
        # without an email has no identity.
        settings = {**self.BASE, "enforcement": "report", "identity": {"email": "email"}}
        server = self.start_site(site_env(settings))
        try:
            client = Client(server)
            assert client.get("/test/login?user=noemail").status == 200
            assert client.get("/me").json() == {"username": "noemail", "userhash": None}
            page = client.get("/page")
            assert page.status == 200 and "userhash-payload" not in page.text
        finally:
            assert_nothing_leaked(server.stop(), SECRETS)


def manage_check(**env: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """``django-admin check`` on the test site."""
    return subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=django_env(env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_check_passes_good_settings() -> None:
    done = manage_check(**site_env({"enforcement": "report"}))
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_manage_check_names_every_bad_setting() -> None:
    done = manage_check(
        **site_env({"enforcement": "enforced", "gate_paths": "api", "enforcment": "x"})
    )
    assert done.returncode != 0
    assert "(userhash.E001) USERHASH['enforcement'] is 'enforced'" in done.stderr
    assert "HINT: use 'off', 'report' or 'enforce'" in done.stderr
    assert "USERHASH['gate_paths'] holds 'a'" not in done.stderr  # a str is split on commas
    assert "USERHASH['gate_paths'] holds 'api'" in done.stderr
    assert "USERHASH['enforcment'] is not a userhash setting" in done.stderr
    assert "did you mean 'enforcement'?" in done.stderr


def test_manage_check_names_a_bad_identity_mapping() -> None:
    done = manage_check(**site_env({"enforcement": "report", "identity": {"id": "pk"}}))
    assert "USERHASH['identity'] has 'id'" in done.stderr
    assert "its keys are user_id and email" in done.stderr


def test_manage_check_names_the_missing_mode_of_the_gate() -> None:
    done = manage_check(**site_env({}))
    assert "(userhash.E002) USERHASH['enforcement'] is not set" in done.stderr


def test_manage_check_wants_the_gate_after_authentication() -> None:
    done = manage_check(**site_env({"enforcement": "report"}), SITE_GATE_FIRST="1")
    assert "(userhash.E003)" in done.stderr


def test_manage_check_reports_the_verifier_failing_without_the_secret() -> None:
    done = manage_check(**{**site_env({"enforcement": "report"}), "SITE_SECRET_WEB": ""})
    assert "(userhash.E002) USERHASH['verifier'] failed: empty_secret" in done.stderr



def test_manage_check_names_an_unknown_app_of_the_config() -> None:
    done = manage_check(**site_env({"enforcement": "report", "app": "nope"}))
    assert "(userhash.E002) USERHASH['app'] config_unknown_app" in done.stderr
