"""A small identity-verification server: the app server's and the auth server's side of userhash.

Standard library only (plus the userhash wheel), so it runs on a fresh machine:

    USERHASH_SECRET_WEB=... USERHASH_SECRET_IOS=... python examples/python/server.py --port 8080

Configuration comes from the environment only, and secrets are never logged or echoed:

    USERHASH_SCHEME        preset name or custom spec (default ``intercom``)
    USERHASH_ENFORCEMENT   ``off`` | ``report`` | ``enforce`` (default ``report``)
    USERHASH_SECRET_<P>    the secret of platform <P>: ``USERHASH_SECRET_WEB`` is label ``web``

Endpoints (JSON in, JSON out):

    POST /login   {"user_id": ..., "email": ..., "platform": "web"}
                  -> 200 {"user_id": ..., "email": ..., "user_hash": ...}
        What your app server returns to its client for the logged-in user (the body stands in for
        a real session here). The hash is made with that platform's secret.

    POST /verify  {"user_id": ..., "email": ..., "user_hash": ..., "platform": "ios"}
                  -> 200 if allowed, 403 if denied:
                     {"allowed", "outcome", "enforcement", "label", "error_code",
                      "would_deny_when_enforced", "diagnosis"}
        What the auth server (the vendor's, or your own widget's) does with it: the rollout gate.
        ``diagnosis`` is the ``explain`` summary when the hash did not verify, for support.

The first line on stdout is ``listening on http://127.0.0.1:PORT`` (``--port 0`` picks a free
port). It binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

import userhash
from userhash import Enforcement, Gate, Identity, Keyring, Scheme, UserHashError, Verifier

SECRET_PREFIX = "USERHASH_SECRET_"
MAX_BODY_BYTES = 64 * 1024


class ConfigError(Exception):
    """The environment does not describe a usable configuration."""


@dataclass(frozen=True)
class Config:
    """Everything the handlers share. All userhash objects are immutable and thread-safe."""

    scheme_name: str
    keyring: Keyring
    gate: Gate
    verifier: Verifier


def error_code(error: UserHashError) -> str:
    """The snake_case code of a userhash exception: ``UserHashError.Mismatch`` -> ``mismatch``."""
    return userhash.error_code_name(userhash.error_code(error))


def config_from_env(env: dict[str, str]) -> Config:
    """Builds the keyring and gate from USERHASH_* variables; messages never include a secret."""
    scheme_name = env.get("USERHASH_SCHEME", "intercom")
    mode = env.get("USERHASH_ENFORCEMENT", "report")
    if mode.upper() not in Enforcement.__members__:
        raise ConfigError(f"USERHASH_ENFORCEMENT={mode!r}: use off, report or enforce")
    try:
        keyring = Keyring(Scheme.parse(scheme_name))
        for name in sorted(key for key in env if key.startswith(SECRET_PREFIX)):
            keyring = keyring.with_key(name[len(SECRET_PREFIX) :].lower(), env[name])
        if not keyring.labels():
            raise ConfigError(f"no secrets: set {SECRET_PREFIX}WEB, {SECRET_PREFIX}IOS, ...")
        verifier = Verifier(keyring)
    except UserHashError as error:
        # The message names the scheme or label, never the secret.
        raise ConfigError(f"{error_code(error)}: {error}") from None
    return Config(scheme_name, keyring, Gate(verifier, Enforcement[mode.upper()]), verifier)


class BadRequest(Exception):
    """The request body is not what the endpoint expects."""


def field(body: dict[str, Any], name: str) -> Optional[str]:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{name} must be a string or null")
    return value


class Handler(BaseHTTPRequestHandler):
    config: Config  # set on the subclass made by serve()

    def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
        routes = {"/login": self.login, "/verify": self.verify}
        route = routes.get(self.path)
        if route is None:
            self.reply(HTTPStatus.NOT_FOUND, {"error": f"no route {self.path}"})
            return
        try:
            status, payload = route(self.read_json())
        except BadRequest as error:
            status, payload = HTTPStatus.BAD_REQUEST, {"error": str(error)}
        self.reply(status, payload)

    def read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise BadRequest(f"body over {MAX_BODY_BYTES} bytes")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except (ValueError, UnicodeDecodeError) as error:
            raise BadRequest(f"body is not JSON: {error}") from None
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        return body

    def login(self, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]]:
        user_id, email = field(body, "user_id"), field(body, "email")
        platform = field(body, "platform") or "web"
        try:
            signer = self.config.keyring.signer(platform)
            user_hash = signer.sign(Identity(user_id=user_id, email=email))
        except UserHashError as error:
            return HTTPStatus.BAD_REQUEST, {"error_code": error_code(error), "error": str(error)}
        return HTTPStatus.OK, {"user_id": user_id, "email": email, "user_hash": user_hash}

    def verify(self, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]]:
        identity = Identity(user_id=field(body, "user_id"), email=field(body, "email"))
        token, platform = field(body, "user_hash"), field(body, "platform")
        now = int(time.time())
        gate = self.config.gate
        if platform is None:
            decision = gate.check_at(identity, token, now)
        else:
            decision = gate.check_at(identity, token, now, platform)
        code = decision.error_code
        payload: dict[str, Any] = {
            "allowed": decision.allowed,
            "outcome": decision.outcome.name.lower(),
            "enforcement": decision.enforcement.name.lower(),
            "label": decision.label,
            "error_code": userhash.error_code_name(code) if code else None,
            "would_deny_when_enforced": decision.would_deny_when_enforced,
            "diagnosis": None,
        }
        if decision.outcome == userhash.Outcome.INVALID and token:
            payload["diagnosis"] = self.diagnose(identity, token, now, platform, decision)
        return (HTTPStatus.OK if decision.allowed else HTTPStatus.FORBIDDEN), payload

    def diagnose(
        self,
        identity: Identity,
        token: str,
        now: int,
        platform: Optional[str],
        decision: userhash.Decision,
    ) -> Optional[str]:
        """The explain summary: why the hash failed, in words support can act on."""
        try:
            return self.config.verifier.explain_at(identity, token, now, platform).summary
        except UserHashError:  # e.g. an unknown platform: the decision already says why
            return decision.error_message

    def reply(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base signature)
        # Method, path and status only: bodies (identities, hashes) stay out of the log.
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def serve(config: Config, port: int) -> ThreadingHTTPServer:
    handler = type("ConfiguredHandler", (Handler,), {"config": config})
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    args = parser.parse_args(argv)
    try:
        config = config_from_env(dict(os.environ))
    except ConfigError as error:
        print(f"server: {error}", file=sys.stderr)
        return 2
    server = serve(config, args.port)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    # Labels and fingerprints name the keys in the log; the secrets never appear.
    ring = config.keyring
    keys = ", ".join(f"{label} ({ring.fingerprint(label)})" for label in ring.labels())
    mode = config.gate.enforcement().name.lower()
    print(f"scheme {config.scheme_name}, enforcement {mode}, keys {keys}", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
