"""What every framework integration must do, over real HTTP: one contract, run by each suite.

A suite subclasses :class:`SiteContract` as ``Test<Framework>`` and says how to start its test
site (:meth:`SiteContract.start_site`) and how it names a setting in errors. Every site has
``/test/login?user=...&email=...`` (a login stand-in answering the identity), ``/me`` (the user's payload as
JSON), ``/page`` (the payload in HTML: :class:`PageContract`, for the frameworks that render
templates), ``/api/echo``
(gated), ``/public`` (not gated) and ``/test/counts`` (the gate's counts).

The payload: every configured vendor's token for the logged-in user, verified here with the
library's own Verifier; per platform; nothing for an anonymous visitor or a user with neither id
nor email; embedded in a page so that no user data can end the element; with the CSP nonce.

The bad input of the issue, against each mode: a token but no user, an unknown or non-UTF-8
platform header, a forged token, a token of 100 kB (refused by the server's header limit, or by the library as
malformed where the server takes it), a 12 kB token (refused by the library, typed), a non-UTF-8 token, and
misconfigured settings (the server does not start, and says which setting). Nothing the tests
send as a token, and no secret, may appear in an answer or in the server's output.
"""

from __future__ import annotations

import json
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterator, List, Optional
from urllib.parse import quote

import pytest

from harness import DROPPED, Client, Response, Server, ServerFailed, assert_nothing_leaked
from userhash import Identity, Keyring, Scheme, Signer, Verifier

WEB_SECRET = "TOPSECRET-web-gate-4b1d"
IOS_SECRET = "TOPSECRET-ios-gate-93ce"
ZENDESK_SECRET = "TOPSECRET-zendesk-site-61aa"
SECRETS = (WEB_SECRET, IOS_SECRET, ZENDESK_SECRET)
#: A config with one vendor and no key for every platform.
ONE_VENDOR = str(Path(__file__).resolve().parent / "site_one_vendor.toml")
#: The Zendesk key's id in site_userhash.toml.
ZENDESK_KEY_ID = "app_site"


def site_env(settings: Dict[str, Any], **extra: str) -> Dict[str, str]:
    """The SITE_* variables of a run."""
    return {
        "SITE_SECRET_WEB": WEB_SECRET,
        "SITE_SECRET_IOS": IOS_SECRET,
        "SITE_SECRET_ZENDESK": ZENDESK_SECRET,
        "SITE_USERHASH": json.dumps(settings),
        **extra,
    }


def sign(identity: Dict[str, Optional[str]], secret: str = WEB_SECRET) -> str:
    return Signer(Scheme.by_name("intercom"), secret).sign(
        Identity(user_id=identity["user_id"], email=identity["email"])
    )


class SiteContract:
    """The gate's behaviour over HTTP; subclasses bind it to one framework."""

    #: Settings every run of the suite starts from (e.g. the gate's paths).
    BASE: ClassVar[Dict[str, Any]] = {}
    #: Sent tokens, checked against every output at the end.
    sent: ClassVar[List[str]]

    @staticmethod
    def start_site(env: Dict[str, str]) -> Server:
        raise NotImplementedError

    @staticmethod
    def setting(key: str) -> str:
        """How the framework names a settings key in its errors."""
        raise NotImplementedError

    # --- servers -------------------------------------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def outputs(cls) -> Iterator[List[str]]:
        """Every server's output; checked for secrets and tokens when the class is done."""
        collected: List[str] = []
        cls.sent = []
        yield collected
        for text in collected:
            assert_nothing_leaked(text, SECRETS, cls.sent)

    @classmethod
    def _serve(cls, outputs: List[str], mode: str) -> Iterator[Server]:
        server = cls.start_site(site_env({**cls.BASE, "enforcement": mode}))
        try:
            yield server
        finally:
            outputs.append(server.stop())

    @pytest.fixture(scope="class")
    @classmethod
    def enforce(cls, outputs: List[str]) -> Iterator[Server]:
        yield from cls._serve(outputs, "enforce")

    @pytest.fixture(scope="class")
    @classmethod
    def report(cls, outputs: List[str]) -> Iterator[Server]:
        yield from cls._serve(outputs, "report")

    @pytest.fixture(scope="class")
    @classmethod
    def off(cls, outputs: List[str]) -> Iterator[Server]:
        yield from cls._serve(outputs, "off")

    # --- helpers -------------------------------------------------------------------------

    def login(self, server: Server, name: str = "ada", email: str = "ada@example.com") -> tuple:
        client = Client(server)
        answer = client.get(f"/test/login?user={quote(name)}&email={quote(email)}")
        assert answer.status == 200, answer.text
        return client, answer.json()

    def call(
        self,
        client: Client,
        token: Optional[Any] = None,
        platform: Optional[Any] = None,
        path: str = "/api/echo",
    ) -> Response:
        headers: Dict[str, Any] = {}
        if token is not None:
            headers["X-UserHash-Token"] = token
            type(self).sent.append(token if isinstance(token, str) else token.decode("latin-1"))
        if platform is not None:
            headers["X-UserHash-Platform"] = platform
        return client.request("POST", path, headers, b"{}")

    def denied(self, answer: Response, outcome: str, error_code: Optional[str]) -> Dict[str, Any]:
        """Checks a 401 from the gate and returns its body."""
        assert answer.status == 401, answer.text
        body = self.body_of(answer)
        assert body == {
            "error": "identity verification failed",
            "outcome": outcome,
            "error_code": error_code,
        }
        assert answer.headers["www-authenticate"] == 'UserHash header="X-UserHash-Token"'
        for token in type(self).sent:
            assert token[:32] not in answer.text
        return body

    @staticmethod
    def body_of(answer: Response) -> Dict[str, Any]:
        """The gate's JSON body (FastAPI wraps it in ``detail``)."""
        body = answer.json()
        assert isinstance(body, dict)
        return body

    # --- enforce -------------------------------------------------------------------------

    def test_a_genuine_token_for_the_user_passes(self, enforce: Server) -> None:
        client, user = self.login(enforce)
        answer = self.call(client, sign(user), "web")
        assert answer.status == 200, answer.text
        assert answer.json() == {"ok": True, "outcome": "verified"}

    def test_without_a_platform_any_key_verifies(self, enforce: Server) -> None:
        client, user = self.login(enforce)
        answer = self.call(client, sign(user, IOS_SECRET))
        assert answer.json() == {"ok": True, "outcome": "verified"}

    def test_a_user_without_a_token_is_denied(self, enforce: Server) -> None:
        client, _ = self.login(enforce)
        self.denied(self.call(client), "missing", None)

    def test_a_forged_token_is_denied(self, enforce: Server) -> None:
        client, _ = self.login(enforce)
        self.denied(self.call(client, secrets.token_hex(32), "web"), "invalid", "mismatch")

    def test_another_users_token_is_denied(self, enforce: Server) -> None:
        client, _ = self.login(enforce)
        other = sign({"user_id": "somebody-else", "email": None})
        self.denied(self.call(client, other, "web"), "invalid", "mismatch")

    def test_another_platforms_key_is_denied(self, enforce: Server) -> None:
        client, user = self.login(enforce)
        self.denied(self.call(client, sign(user, IOS_SECRET), "web"), "invalid", "mismatch")

    def test_an_unknown_platform_header_is_denied(self, enforce: Server) -> None:
        client, user = self.login(enforce)
        self.denied(self.call(client, sign(user), "tv"), "invalid", "unknown_label")

    def test_a_non_utf8_platform_header_is_denied(self, enforce: Server) -> None:
        client, user = self.login(enforce)
        answer = self.call(client, sign(user), b"w\xffeb")
        self.denied(answer, "invalid", "unknown_label")

    def test_a_non_utf8_token_is_denied(self, enforce: Server) -> None:
        client, user = self.login(enforce)
        token = sign(user).encode()[:-2] + b"\xc3\x28"
        self.denied(self.call(client, token, "web"), "invalid", "malformed_token")

    def test_a_100_kb_token_is_refused(self, enforce: Server) -> None:
        client, _ = self.login(enforce)
        token = "A" * 100_000
        answer = self.call(client, token, "web")
        if answer.status == 401:  # the server let it through: the library refuses it, typed
            self.denied(answer, "invalid", "malformed_token")
        else:  # the server's header limit: 431 or 400, or the connection closed unanswered
            assert answer.status in (400, 431, DROPPED), answer.text
        assert "A" * 32 not in answer.text

    def test_a_long_token_is_malformed(self, enforce: Server) -> None:
        # Under every server's header limit.
        client, _ = self.login(enforce)
        token = "a" * 12_000
        self.denied(self.call(client, token, "web"), "invalid", "malformed_token")

    def test_an_anonymous_visitor_without_a_token_passes(self, enforce: Server) -> None:
        answer = self.call(Client(enforce))
        assert answer.json() == {"ok": True, "outcome": "unidentified"}

    def test_a_token_without_a_user_is_denied(self, enforce: Server) -> None:
        token = sign({"user_id": "42", "email": None})
        answer = self.call(Client(enforce), token, "web")
        self.denied(answer, "invalid", "unidentified")

    # --- report and off ------------------------------------------------------------------

    def test_report_lets_a_forged_token_through_and_logs_it(self, report: Server) -> None:
        client, _ = self.login(report)
        report.new_log()
        before = Client(report).get("/test/counts").json()
        answer = self.call(client, secrets.token_hex(32), "ios")
        assert answer.json() == {"ok": True, "outcome": "invalid"}
        after = Client(report).get("/test/counts").json()
        assert after.get("would_deny", 0) == before.get("would_deny", 0) + 1
        assert after.get("denied", 0) == 0
        lines = [line for line in report.new_log().splitlines() if "userhash gate" in line]
        assert len(lines) == 1, lines
        assert "(report): would deny POST '/api/echo': outcome=invalid error=mismatch" in lines[0]
        assert "platform=ios" in lines[0]

    def test_report_logs_a_verified_request_quietly(self, report: Server) -> None:
        client, user = self.login(report)
        report.new_log()
        assert self.call(client, sign(user), "web").json()["outcome"] == "verified"
        lines = [line for line in report.new_log().splitlines() if "userhash gate" in line]
        assert len(lines) == 1 and "allowed" in lines[0] and "label=web" in lines[0], lines

    def test_report_hides_a_platform_header_that_is_not_a_name(self, report: Server) -> None:
        client, user = self.login(report)
        report.new_log()
        self.call(client, sign(user), "x" * 40)
        log = report.new_log()
        assert "x" * 40 not in log
        assert "platform=<40 characters, not shown>" in log

    def test_concurrent_requests_are_each_decided_and_counted(self, report: Server) -> None:
        """Eight clients at once, genuine and forged tokens interleaved: every answer is its
        own request's, and the shared counts add up exactly."""
        users = [self.login(report, f"user{n}", f"user{n}@example.com") for n in range(8)]
        before = Client(report).get("/test/counts").json()

        def work(n: int) -> List[str]:
            client, user = users[n]
            outcomes = []
            for round in range(10):
                token = sign(user) if (n + round) % 2 == 0 else secrets.token_hex(32)
                outcomes.append(self.call(client, token, "web").json()["outcome"])
            return outcomes

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(8)))
        for n, outcomes in enumerate(results):
            expected = ["verified" if (n + r) % 2 == 0 else "invalid" for r in range(10)]
            assert outcomes == expected
        after = Client(report).get("/test/counts").json()
        grew = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
        assert grew == {"verified": 40, "invalid": 40, "would_deny": 40, "checked": 80}

    def test_off_checks_nothing(self, off: Server) -> None:
        client, _ = self.login(off)
        answer = self.call(client, secrets.token_hex(32), "web")
        assert answer.json() == {"ok": True, "outcome": "not_checked"}

    def test_ungated_paths_are_not_checked(self, enforce: Server) -> None:
        client, _ = self.login(enforce)
        assert client.get("/public").json() == {"ok": True}

    # --- settings ------------------------------------------------------------------------

    def test_bad_settings_stop_the_server_and_each_is_named(self) -> None:
        bad = {"enforcement": "enforced", "token_header": "X Token", "platform": ""}
        failed = self.refuse_to_start({**self.BASE, **bad})
        for key in bad:
            assert self.setting(key) in failed.output
        assert_nothing_leaked(failed.output, SECRETS)

    def test_bad_and_disagreeing_environment_variables_are_named(self) -> None:
        failed = self.refuse_to_start(
            {**self.BASE, "token_header": "X-Token"},
            USERHASH_ENFORCEMENT="sometimes",
            USERHASH_TOKEN_HEADER="X-Other-Token",
        )
        assert "$USERHASH_ENFORCEMENT: is 'sometimes'" in failed.output
        assert "but $USERHASH_TOKEN_HEADER is 'X-Other-Token'" in failed.output

    def test_a_bad_secret_stops_the_server(self) -> None:
        failed = self.refuse_to_start(
            {**self.BASE, "enforcement": "enforce"}, SITE_SECRET_IOS=""
        )
        assert "secret is empty" in failed.output.lower() or "EmptySecret" in failed.output
        assert_nothing_leaked(failed.output, SECRETS)

    def test_a_missing_config_secret_stops_the_server_naming_it(self) -> None:
        env = {**site_env({**self.BASE, "enforcement": "report"}), "SITE_SECRET_ZENDESK": ""}
        del env["SITE_SECRET_ZENDESK"]
        failed = self.refuse_to_start_with(env)
        assert f"{self.setting('config')}: secret_unavailable" in failed.output
        assert "SITE_SECRET_ZENDESK" in failed.output
        assert_nothing_leaked(failed.output, SECRETS)

    def refuse_to_start(self, settings: Dict[str, Any], **env: str) -> ServerFailed:
        return self.refuse_to_start_with({**site_env(settings), **env})

    def refuse_to_start_with(self, env: Dict[str, str]) -> ServerFailed:
        try:
            server = self.start_site(env)
        except ServerFailed as failed:
            assert failed.returncode != 0
            return failed
        output = server.stop()
        raise AssertionError(f"the site started with bad settings:\n{output}")


    # --- the payload ---------------------------------------------------------------------

    def payload_of(self, answer: Response) -> Any:
        assert answer.status == 200, answer.text
        body = answer.json()
        assert set(body) >= {"userhash"}, body
        return body["userhash"]

    def check_payload(self, payload: Any, user: Dict[str, Optional[str]], platform: str) -> None:
        """The payload holds both vendors' tokens, each genuine for the user and the platform."""
        assert set(payload) == {"intercom", "zendesk"}, payload
        intercom = payload["intercom"]
        assert intercom["user_id"] == user["user_id"]  # Intercom signs the id (else the email)
        keyring = Keyring(Scheme.by_name("intercom")).with_key("web", WEB_SECRET)
        keyring = keyring.with_key("ios", IOS_SECRET)
        identity = Identity(user_id=user["user_id"], email=user["email"])
        assert Verifier(keyring).verify(identity, intercom["user_hash"]).label == platform
        zendesk = Keyring(Scheme.by_name("zendesk")).with_key(ZENDESK_KEY_ID, ZENDESK_SECRET)
        verified = Verifier(zendesk).verify(Identity(user_id=user["user_id"]), payload["zendesk"]["jwt"])
        assert verified.label == ZENDESK_KEY_ID
        type(self).sent.extend([intercom["user_hash"], payload["zendesk"]["jwt"]])

    def test_me_holds_every_vendors_token_for_the_user(self, report: Server) -> None:
        client, user = self.login(report)
        self.check_payload(self.payload_of(client.get("/me")), user, "web")

    def test_me_signs_with_the_platforms_keys(self, report: Server) -> None:
        client, user = self.login(report)
        answer = client.get("/me", {"X-UserHash-Platform": "ios"})
        self.check_payload(self.payload_of(answer), user, "ios")

    def test_a_platform_one_vendor_lacks_fails_in_its_slot(self, report: Server) -> None:
        client, user = self.login(report)
        platform = f"tv{secrets.token_hex(4)}"
        answer = client.get("/me", {"X-UserHash-Platform": platform})
        payload = self.payload_of(answer)
        assert payload["intercom"] == {"error": "config_unknown_platform"}
        assert "jwt" in payload["zendesk"]  # Zendesk's one key serves every platform
        assert platform not in answer.text

    def test_a_non_utf8_platform_is_one_nobody_has(self, report: Server) -> None:
        client, _ = self.login(report)
        answer = client.get("/me", {"X-UserHash-Platform": b"i\xffos"})
        assert self.payload_of(answer)["intercom"] == {"error": "config_unknown_platform"}

    def test_a_platform_no_vendor_serves_is_refused_without_echoing_it(self) -> None:
        server = self.start_site(
            site_env({**self.BASE, "enforcement": "report", "config": ONE_VENDOR})
        )
        try:
            client, _ = self.login(server)
            platform = f"tv{secrets.token_hex(4)}"
            answer = client.get("/me", {"X-UserHash-Platform": platform})
            assert answer.status == 400, answer.text
            assert "unknown platform" in answer.text and platform not in answer.text
        finally:
            assert_nothing_leaked(server.stop(), SECRETS)

    def test_me_is_empty_for_an_anonymous_visitor(self, report: Server) -> None:
        assert self.payload_of(Client(report).get("/me")) is None

    def test_me_is_empty_for_a_user_with_neither_id_nor_email(self, report: Server) -> None:
        client, _ = self.login_without_identity(report)
        assert self.payload_of(client.get("/me")) is None

    def login_without_identity(self, server: Server) -> tuple:
        """A logged-in user with neither an id nor an email."""
        client = Client(server)
        assert client.get("/test/login?user=-").status == 200  # "-": a user without fields
        return client, None


class PageContract(SiteContract):
    """The payload in a page, for the frameworks that render templates (Django, Flask)."""

    def page_payload(self, answer: Response) -> Any:
        found = re.search(
            r'<script type="application/json" id="userhash-payload"( nonce="[^"]*")?>(.*?)</script>',
            answer.text,
            re.DOTALL,
        )
        assert found, answer.text
        return json.loads(found.group(2))

    def test_the_page_embeds_the_payload(self, report: Server) -> None:
        client, user = self.login(report)
        answer = client.get("/page")
        self.check_payload(self.page_payload(answer), user, "web")

    def test_no_user_data_can_end_the_payloads_element(self, report: Server) -> None:
        name = "x</script><script>alert(1)</script><!--&amp;"
        client, user = self.login(report, name)
        answer = client.get("/page")
        assert "</script><script>alert(1)" not in answer.text
        assert "<!--" not in answer.text
        payload = self.page_payload(answer)
        assert payload["intercom"]["user_id"] == name
        self.check_payload(payload, user, "web")

    def test_the_payloads_element_carries_the_csp_nonce(self, report: Server) -> None:
        client, _ = self.login(report)
        answer = client.get('/page?nonce=n0nce%22%3E')
        assert 'id="userhash-payload" nonce="n0nce&quot;&gt;">' in answer.text

    def test_an_anonymous_visitor_gets_the_page_without_a_payload(self, report: Server) -> None:
        answer = Client(report).get("/page")
        assert answer.status == 200 and "userhash-payload" not in answer.text
