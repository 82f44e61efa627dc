"""``mypy --strict`` over the FastAPI and Flask integrations and the test sites that use them,
as installed (the wheel's ``py.typed``). Django ships no type information (django-stubs would be
needed), so its integration is checked by its suite only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is not installed")

HERE = Path(__file__).resolve().parent


def test_the_fastapi_and_flask_integrations_are_strictly_typed(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-incremental",
            "--cache-dir", str(tmp_path),
            "-p", "userhash.fastapi", "-p", "userhash.flask", "-p", "userhash._web",
            "-m", "fastapi_site", "-m", "flask_site", "-m", "site_keys",
        ],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
