"""The messenger example answering over HTTP, for ``cargo xtask demo``.

Starts the example (serve.py) on a free port under enforce, with demo secrets, then acts as the
browser would: logs in, reads the payload from the page, sends Intercom's part to the verify
endpoint as the stub messenger does, sends a tampered copy, and reads the gate's counts. Prints
one line per step; exits non-zero if any answer is not the expected one.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

HERE = Path(__file__).resolve().parent
DEMO_SECRETS = {
    "MESSENGER_INTERCOM_WEB_SECRET": "demo-intercom-web-secret",
    "MESSENGER_INTERCOM_IOS_SECRET": "demo-intercom-ios-secret",
    "MESSENGER_ZENDESK_SECRET": "demo-zendesk-messaging-secret",
}
PAYLOAD = re.compile(r'<script type="application/json" id="userhash-payload"[^>]*>(.*?)</script>')


class Browser:
    """urllib with cookies: what the page's session and the messenger's fetch() carry."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def call(
        self, path: str, body: Optional[Dict[str, Any]] = None, headers: Optional[Dict[str, str]] = None
    ) -> Tuple[int, str]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")


def main() -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("USERHASH_")}
    database = HERE / "demo.sqlite3"
    env.update(DEMO_SECRETS, USERHASH_ENFORCEMENT="enforce", MESSENGER_DATABASE=str(database))
    server = subprocess.Popen(
        [sys.executable, str(HERE / "serve.py"), "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        if not first.startswith("listening on "):
            print(f"django example: the server did not start ({server.wait()})")
            return 1
        return run(Browser(first.split()[-1]))
    finally:
        server.terminate()
        server.wait(timeout=30)
        database.unlink(missing_ok=True)


def run(browser: Browser) -> int:
    ok = True

    def step(what: str, status: int, expected: int, shown: str) -> None:
        nonlocal ok
        ok &= status == expected
        mark = "ok" if status == expected else f"UNEXPECTED (wanted {expected})"
        print(f"django example: {what} -> {status} {shown} [{mark}]")

    status, page = browser.call("/login?user=ada")
    found = PAYLOAD.search(page)
    payload = json.loads(found.group(1)) if found else {}
    vendors = ", ".join(f"{vendor}: {sorted(part)}" for vendor, part in payload.items())
    step("GET /login?user=ada, then the page", status, 200, f"payload {{{vendors}}}")

    intercom = payload.get("intercom", {})
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": browser.cookie("csrftoken"),
        "X-UserHash-Platform": "web",
    }
    genuine = {**headers, "X-UserHash-Token": intercom.get("user_hash", "")}
    status, body = browser.call("/api/messenger/verify", {"user_id": intercom.get("user_id")}, genuine)
    step("POST /api/messenger/verify, the page's hash", status, 200, body)

    token = intercom.get("user_hash", "0")
    tampered = {**headers, "X-UserHash-Token": token[:-1] + ("1" if token[-1:] == "0" else "0")}
    status, body = browser.call("/api/messenger/verify", {"user_id": intercom.get("user_id")}, tampered)
    step("POST /api/messenger/verify, one character changed", status, 401, body)

    status, body = browser.call("/gate/counts")
    step("GET /gate/counts", status, 200, body)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
