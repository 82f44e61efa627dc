"""What every framework's gate must do, over real HTTP: one contract, run by each suite.

A suite subclasses :class:`GateContract` as ``Test<Framework>Gate`` and says how to start its
test site (:meth:`GateContract.start_site`) and how it names a setting in errors. Every site has
``/test/login/<user>`` (a login stand-in answering the identity), ``/api/echo`` (gated),
``/public`` (not gated) and ``/test/counts`` (the gate's counts).

The bad input of the issue, against each mode: a token but no user, an unknown or non-UTF-8
platform header, a forged token, a token of 100 kB (refused by the server's header limit, or by the library as
malformed where the server takes it), a 12 kB token (refused by the library, typed), a non-UTF-8 token, and
misconfigured settings (the server does not start, and says which setting). Nothing the tests
send as a token, and no secret, may appear in an answer or in the server's output.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, ClassVar, Dict, Iterator, List, Optional

import pytest

from harness import DROPPED, Client, Response, Server, ServerFailed, assert_nothing_leaked
from userhash import Identity, Scheme, Signer

WEB_SECRET = "TOPSECRET-web-gate-4b1d"
IOS_SECRET = "TOPSECRET-ios-gate-93ce"
SECRETS = (WEB_SECRET, IOS_SECRET)


def site_env(settings: Dict[str, Any], **extra: str) -> Dict[str, str]:
    """The SITE_* variables of a run."""
    return {
        "SITE_SECRET_WEB": WEB_SECRET,
        "SITE_SECRET_IOS": IOS_SECRET,
        "SITE_USERHASH": json.dumps(settings),
        **extra,
    }


def sign(identity: Dict[str, Optional[str]], secret: str = WEB_SECRET) -> str:
    return Signer(Scheme.by_name("intercom"), secret).sign(
        Identity(user_id=identity["user_id"], email=identity["email"])
    )


class GateContract:
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
        assert collected, "no server output collected"
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
        answer = client.get(f"/test/login/{name}?email={email}")
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

    def test_off_checks_nothing(self, off: Server) -> None:
        client, _ = self.login(off)
        answer = self.call(client, secrets.token_hex(32), "web")
        assert answer.json() == {"ok": True, "outcome": "not_checked"}

    def test_ungated_paths_are_not_checked(self, enforce: Server) -> None:
        client, _ = self.login(enforce)
        assert client.get("/public").json() == {"ok": True}

    # --- settings ------------------------------------------------------------------------

    @pytest.mark.parametrize(
        "key, value",
        [("enforcement", "enforced"), ("token_header", "X Token"), ("platform", "")],
    )
    def test_a_bad_setting_stops_the_server_and_names_it(self, key: str, value: str) -> None:
        failed = self.refuse_to_start({**self.BASE, "enforcement": "report", key: value})
        assert self.setting(key) in failed.output
        assert_nothing_leaked(failed.output, SECRETS)

    def test_a_bad_environment_variable_is_named(self) -> None:
        failed = self.refuse_to_start(self.BASE, USERHASH_ENFORCEMENT="sometimes")
        assert "$USERHASH_ENFORCEMENT" in failed.output

    def test_a_setting_and_a_variable_that_disagree_are_refused(self) -> None:
        failed = self.refuse_to_start(
            {**self.BASE, "enforcement": "enforce"}, USERHASH_ENFORCEMENT="report"
        )
        assert "but $USERHASH_ENFORCEMENT is 'report'" in failed.output

    def test_a_bad_secret_stops_the_server(self) -> None:
        failed = self.refuse_to_start(
            {**self.BASE, "enforcement": "enforce"}, SITE_SECRET_IOS=""
        )
        assert "secret is empty" in failed.output.lower() or "EmptySecret" in failed.output
        assert_nothing_leaked(failed.output, SECRETS)

    def refuse_to_start(self, settings: Dict[str, Any], **env: str) -> ServerFailed:
        try:
            server = self.start_site({**site_env(settings), **env})
        except ServerFailed as failed:
            assert failed.returncode != 0
            return failed
        output = server.stop()
        raise AssertionError(f"the site started with bad settings:\n{output}")

