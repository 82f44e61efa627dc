"""The example server over real HTTP on 127.0.0.1, and the cross-language demo's output."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import selectors
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from userhash import Identity, Keyring, Scheme, Verifier

HERE = Path(__file__).resolve().parent
WEB_SECRET = "TOPSECRET-web-python-7f3a"
IOS_SECRET = "TOPSECRET-ios-python-9c1e"
SECRETS = (WEB_SECRET, IOS_SECRET)

Server = tuple[str, "subprocess.Popen[str]"]


def start(enforcement: str) -> Server:
    env = {k: v for k, v in os.environ.items() if not k.startswith("USERHASH_")}
    env.update(
        USERHASH_SECRET_WEB=WEB_SECRET,
        USERHASH_SECRET_IOS=IOS_SECRET,
        USERHASH_ENFORCEMENT=enforcement,
        PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=30)
    first = process.stdout.readline() if ready else ""
    if not first.startswith("listening on http://127.0.0.1:"):
        stop(process)
        pytest.fail(f"server did not start: {first!r}")
    return first.split()[-1], process


def stop(process: "subprocess.Popen[str]") -> str:
    """Terminates the server; everything it wrote to stdout and stderr."""
    process.terminate()
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return out + err


@pytest.fixture(scope="module")
def logs() -> Iterator[list[str]]:
    """What every server of this module wrote, checked for secrets at the end."""
    collected: list[str] = []
    yield collected
    assert collected, "no server output collected"
    for text in collected:
        for secret in SECRETS:
            assert secret not in text, "a secret reached the server's output"


def server(enforcement: str, logs: list[str]) -> Iterator[str]:
    url, process = start(enforcement)
    try:
        yield url
    finally:
        logs.append(stop(process))


@pytest.fixture(scope="module")
def enforce(logs: list[str]) -> Iterator[str]:
    yield from server("enforce", logs)


@pytest.fixture(scope="module")
def report(logs: list[str]) -> Iterator[str]:
    yield from server("report", logs)


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def login(url: str, platform: str, user_id: str = "42") -> str:
    status, body = post(f"{url}/login", {"user_id": user_id, "email": None, "platform": platform})
    assert status == 200, body
    assert body["user_id"] == user_id
    token: str = body["user_hash"]
    return token


def test_login_returns_a_hash_that_verifies(enforce: str) -> None:
    token = login(enforce, "web", user_id="renée-42")
    keyring = Keyring(Scheme.by_name("intercom")).with_key("web", WEB_SECRET)
    assert Verifier(keyring).verify_at(Identity(user_id="renée-42"), token, 0).label == "web"
    expected = hmac.new(WEB_SECRET.encode(), "renée-42".encode(), hashlib.sha256).hexdigest()
    assert token == expected  # Intercom's documented rule, independently


def test_verify_allows_a_valid_hash(enforce: str) -> None:
    token = login(enforce, "ios")
    status, body = post(
        f"{enforce}/verify", {"user_id": "42", "email": None, "user_hash": token, "platform": "ios"}
    )
    assert status == 200
    assert body["allowed"] is True and body["outcome"] == "verified" and body["label"] == "ios"
    assert body["error_code"] is None and body["diagnosis"] is None


def test_enforce_denies_another_platforms_hash(enforce: str) -> None:
    token = login(enforce, "ios")
    status, body = post(
        f"{enforce}/verify", {"user_id": "42", "email": None, "user_hash": token, "platform": "web"}
    )
    assert status == 403
    assert body["allowed"] is False and body["outcome"] == "invalid"
    assert body["error_code"] == "mismatch"
    assert '"ios"' in body["diagnosis"], body["diagnosis"]  # made with the other platform's key


def test_report_allows_but_counts_another_platforms_hash(report: str) -> None:
    token = login(report, "ios")
    status, body = post(
        f"{report}/verify", {"user_id": "42", "email": None, "user_hash": token, "platform": "web"}
    )
    assert status == 200
    assert body["allowed"] is True and body["enforcement"] == "report"
    assert body["error_code"] == "mismatch" and body["would_deny_when_enforced"] is True
    assert '"ios"' in body["diagnosis"]


def test_anonymous_visitor_is_allowed(enforce: str) -> None:
    status, body = post(f"{enforce}/verify", {"user_id": None, "email": None, "platform": "web"})
    assert status == 200
    assert body["allowed"] is True and body["outcome"] == "unidentified"


def test_missing_hash_is_denied_under_enforce(enforce: str) -> None:
    status, body = post(f"{enforce}/verify", {"user_id": "42", "platform": "web"})
    assert status == 403 and body["outcome"] == "missing"


def test_bad_requests_get_400(enforce: str) -> None:
    assert post(f"{enforce}/verify", {"user_id": 42})[0] == 400
    status, body = post(f"{enforce}/login", {})
    assert status == 400 and body["error_code"] == "unidentified"


def test_server_refuses_to_start_without_secrets() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("USERHASH_")}
    child = subprocess.run(
        [sys.executable, str(HERE / "server.py"), "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert child.returncode == 2
    assert "USERHASH_SECRET_WEB" in child.stderr


def test_demo_prints_json_lines_whose_tokens_verify() -> None:
    child = subprocess.run(
        [sys.executable, str(HERE / "demo.py")], capture_output=True, text=True, timeout=60
    )
    assert child.returncode == 0, child.stderr
    demo = json.loads((HERE.parent / "demo.json").read_text(encoding="utf-8"))
    lines = [json.loads(line) for line in child.stdout.splitlines()]
    payload = demo["payload"]
    assert [line["case"] for line in lines] == [
        f"{scheme['name']}/{n}"
        for scheme in demo["schemes"]
        for n in range(len(demo["identities"]))
    ] + [
        f"payload/{platform}/{n}"
        for platform in payload["platforms"]
        for n in range(len(demo["identities"]))
    ]
    # The payload lines: every vendor under its client parameter, Intercom with the platform's key.
    intercom_keys = {key["label"]: key["secret"] for key in payload["vendors"][0]["keys"]}
    for line in [line for line in lines if line["case"].startswith("payload/")]:
        _, platform, n = line["case"].split("/")
        who = demo["identities"][int(n)]
        body = json.loads(line["token"])
        assert list(body) == [vendor["name"] for vendor in payload["vendors"]]
        signed = who["user_id"] or who["email"]
        mac = hmac.new(intercom_keys[platform].encode(), signed.encode(), hashlib.sha256)
        assert body["intercom"]["user_hash"] == mac.hexdigest()  # independently, as Intercom says
        failed = [vendor["error"] for vendor in body.values() if "error" in vendor]
        assert line["verified"] == (failed[0] if failed else "complete")
    lines = [line for line in lines if not line["case"].startswith("payload/")]
    first = demo["keyring"][0]
    schemes = {scheme["name"]: scheme for scheme in demo["schemes"]}
    for line in lines:
        assert list(line) == ["case", "token", "verified"]
        name, n = line["case"].split("/")
        entry, who = schemes[name], demo["identities"][int(n)]
        identity = Identity(user_id=who["user_id"], email=who["email"])
        if line["token"] is None:
            assert line["verified"] == "missing_field", line
            continue
        keyring = Keyring(Scheme.parse(entry["scheme"])).with_key(first["label"], first["secret"])
        verified = Verifier(keyring).verify_at(identity, line["token"], entry["now"] or 0)
        assert line["verified"] == verified.label == first["label"]
    intercom = [line for line in lines if line["case"] == "intercom/1"][0]
    message = demo["identities"][1]["user_id"].encode()
    mac = hmac.new(first["secret"].encode(), message, hashlib.sha256)
    assert intercom["token"] == mac.hexdigest()  # Intercom's documented rule, independently
