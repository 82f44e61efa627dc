"""userhash.fastapi over HTTP: the test site under uvicorn."""

from __future__ import annotations

from typing import Any, Dict

from harness import Response, Server, python_env, serve_command, start
from site_contract import SiteContract


class TestFastAPI(SiteContract):
    @staticmethod
    def start_site(env: Dict[str, str]) -> Server:
        return start(serve_command("asgi", "fastapi_site:app"), python_env(**env))

    @staticmethod
    def setting(key: str) -> str:
        return f"settings[{key!r}]"

    @staticmethod
    def body_of(answer: Response) -> Dict[str, Any]:
        body = answer.json()
        assert set(body) == {"detail"}, body  # FastAPI's HTTPException body
        return body["detail"]  # type: ignore[no-any-return]

    def test_ungated_paths_are_not_checked(self, enforce: Server) -> None:
        # FastAPI gates the routes that depend on the gate; /public does not.
        super().test_ungated_paths_are_not_checked(enforce)
