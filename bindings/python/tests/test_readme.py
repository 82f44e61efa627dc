"""The README's Python examples run, in order, against the installed wheel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # setenv restores the environment afterwards (the README only sets defaults)
    monkeypatch.setenv("INTERCOM_SECRET_WEB", "demo-web-secret")
    monkeypatch.setenv("INTERCOM_SECRET_IOS", "demo-ios-secret")
    for name in ("INTERCOM_WEB", "INTERCOM_IOS", "INTERCOM_ANDROID", "ZENDESK", "CRISP"):
        monkeypatch.setenv(f"ACME_{name}_SECRET", f"demo-{name.lower()}-secret")
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"README.md python block {number}", "exec")
        exec(code, namespace)
    printed = capsys.readouterr().out
    assert "rejected:" in printed and "demo-web-secret" not in printed
