"""userhash.flask over HTTP: the test site under Werkzeug's threaded WSGI server."""

from __future__ import annotations

from typing import Dict

from harness import Server, python_env, serve_command, start
from site_contract import PageContract


class TestFlask(PageContract):
    BASE = {"gate_paths": ["/api/"]}

    @staticmethod
    def start_site(env: Dict[str, str]) -> Server:
        return start(serve_command("flask", "flask_site:app"), python_env(**env))

    @staticmethod
    def setting(key: str) -> str:
        return f"app.config['USERHASH_{key.upper()}']"
