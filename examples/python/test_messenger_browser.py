"""The messenger example in a real browser: headless Chromium loads the page of a logged-in
user, the page boots the stub messenger from the userhash payload, and the messenger posts what
it received to the app's verify endpoint. What counts is the server's own record — the gate's
counts — never what the page shows; the page's state only says when the messenger is done.

Then the payload is tampered with in the browser (one character of the hash, as an attacker
editing the page would) and the messenger booted again: the gate rejects it under enforce (401,
counted as denied) and lets it through under report (counted as would-deny, logged).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

# The framework suites' real-server harness and browser (a conftest here would shadow theirs:
# the binding's tests import their own conftest by name).
WEB_TESTS = Path(__file__).resolve().parents[2] / "bindings" / "python" / "tests" / "web"
if str(WEB_TESTS) not in sys.path:
    sys.path.insert(0, str(WEB_TESTS))

from browser import chromium  # noqa: E402
from harness import Client, Server, assert_nothing_leaked, python_env, start  # noqa: E402

HERE = Path(__file__).resolve().parent
SERVE = HERE / "messenger" / "serve.py"
SECRETS = {
    "MESSENGER_INTERCOM_WEB_SECRET": "TOPSECRET-messenger-web-51c0",
    "MESSENGER_INTERCOM_IOS_SECRET": "TOPSECRET-messenger-ios-7e2f",
    "MESSENGER_ZENDESK_SECRET": "TOPSECRET-messenger-zendesk-0d9a",
}
#: How long the messenger may take to boot and be answered (a page load and one request).
DONE_SECONDS = 30


#: The tokens the pages carried, searched for in the servers' output at the end.
TOKENS: List[str] = []


@pytest.fixture(scope="module")
def outputs() -> Iterator[List[str]]:
    collected: List[str] = []
    yield collected
    assert collected
    for text in collected:
        assert_nothing_leaked(text, list(SECRETS.values()), TOKENS)


def serve(mode: str, outputs: List[str]) -> Iterator[Server]:
    database = Path(tempfile.mkdtemp(prefix="userhash-messenger-")) / "db.sqlite3"
    env = python_env(USERHASH_ENFORCEMENT=mode, MESSENGER_DATABASE=str(database), **SECRETS)
    server = start([sys.executable, str(SERVE)], env)
    try:
        yield server
    finally:
        outputs.append(server.stop())


@pytest.fixture(scope="module")
def enforce(outputs: List[str]) -> Iterator[Server]:
    yield from serve("enforce", outputs)


@pytest.fixture(scope="module")
def report(outputs: List[str]) -> Iterator[Server]:
    yield from serve("report", outputs)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def counts(server: Server) -> Dict[str, int]:
    found = Client(server).get("/gate/counts").json()
    assert isinstance(found, dict)
    return found


def delta(before: Dict[str, int], after: Dict[str, int]) -> Dict[str, int]:
    keys = set(before) | set(after)
    return {k: after.get(k, 0) - before.get(k, 0) for k in keys if after.get(k, 0) != before.get(k, 0)}


def messenger_done(browser: Any) -> str:
    """Waits until the messenger has its answer; returns the page's state (answered-<status>)."""
    from selenium.webdriver.support.ui import WebDriverWait

    def answered(driver: Any) -> Any:
        state = driver.execute_script("return document.body.dataset.messenger || ''")
        return state if state.startswith(("answered-", "failed")) else False

    found: str = WebDriverWait(browser, DONE_SECONDS).until(answered)
    return found


def boot_logged_in(browser: Any, server: Server, user: str) -> Dict[str, Any]:
    """Logs in as ``user``, loads the page, waits for the messenger; returns the payload."""
    browser.get(f"{server.url}/login?user={user}")
    messenger_done(browser)
    payload: Dict[str, Any] = browser.execute_script(
        "return JSON.parse(document.getElementById('userhash-payload').textContent)"
    )
    TOKENS.extend([payload["intercom"]["user_hash"], payload["zendesk"]["jwt"]])
    return payload


TAMPER = """
const payload = JSON.parse(document.getElementById("userhash-payload").textContent);
const settings = Object.assign({verify_url: "/api/messenger/verify", platform: "web"}, payload.intercom);
const last = settings.user_hash.slice(-1);
settings.user_hash = settings.user_hash.slice(0, -1) + (last === "0" ? "1" : "0");
document.body.dataset.messenger = "";
StubMessenger.boot(settings);
"""


@pytest.mark.parametrize("mode", ["enforce", "report"])
def test_the_page_boots_a_messenger_the_gate_verifies(
    mode: str, request: pytest.FixtureRequest, browser: Any
) -> None:
    server: Server = request.getfixturevalue(mode)
    before = counts(server)
    payload = boot_logged_in(browser, server, f"ada{mode}")
    assert set(payload) == {"intercom", "zendesk"}
    assert set(payload["intercom"]) == {"user_id", "user_hash"} and set(payload["zendesk"]) == {"jwt"}
    assert delta(before, counts(server)) == {"verified": 1, "checked": 1}


# What the gate answers a tampered hash, what it counts, and what it logs, per mode.
TAMPERED = {
    "enforce": ("answered-401", {"invalid": 1, "would_deny": 1, "denied": 1, "checked": 1},
                "(enforce): denied POST '/api/messenger/verify': outcome=invalid error=mismatch"),
    "report": ("answered-200", {"invalid": 1, "would_deny": 1, "checked": 1},
               "(report): would deny POST '/api/messenger/verify': outcome=invalid error=mismatch"),
}


@pytest.mark.parametrize("mode", ["enforce", "report"])
def test_a_tampered_payload_is_denied_under_enforce_and_reported_under_report(
    mode: str, request: pytest.FixtureRequest, browser: Any
) -> None:
    server: Server = request.getfixturevalue(mode)
    state, grew, logged = TAMPERED[mode]
    boot_logged_in(browser, server, "grace")
    before = counts(server)
    server.new_log()
    browser.execute_script(TAMPER)
    assert messenger_done(browser) == state
    assert delta(before, counts(server)) == grew
    assert logged in server.new_log()


def test_an_anonymous_visitor_gets_the_page_without_a_payload(enforce: Server) -> None:
    answer = Client(enforce).get("/")
    assert answer.status == 200
    assert 'id="userhash-payload"' not in answer.text
