"""Real servers for the framework suites: started on 127.0.0.1 by the test, stopped by it.

The test binds a listening socket on a free port (port 0) and hands it to the server process
(``--fd N``), so the port is known before the server starts and nothing else can take it. The
server is ready when it answers a first request: the kernel queues the connection until the
server accepts it, and the harness polls the socket and the process (never sleeps) until the
answer comes or the process dies. Requests go over HTTP with ``http.client`` (raw header bytes
allowed, so non-UTF-8 headers can be sent); a :class:`Client` keeps cookies like a browser.
Everything the server writes goes to a log file the test reads.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Union

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
#: How long a server may take to start or stop before the test fails.
DEADLINE_SECONDS = 60.0
#: How often the readiness poll looks at the process (seconds; the poll wakes on data first).
POLL_SECONDS = 0.05

Header = Union[str, bytes]
#: The status of a request whose connection the server closed without an answer.
DROPPED = 0


@dataclass
class Response:
    """One HTTP answer."""

    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class ServerFailed(AssertionError):
    """The server exited before answering; :attr:`output` is everything it wrote."""

    def __init__(self, returncode: Optional[int], output: str) -> None:
        super().__init__(f"the server exited with {returncode} before answering:\n{output}")
        self.returncode = returncode
        self.output = output


@dataclass
class Server:
    """A server process listening on :attr:`port`."""

    port: int
    process: "subprocess.Popen[bytes]"
    log_path: Path
    _offset: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        headers: Optional[Mapping[str, Header]] = None,
        body: Optional[bytes] = None,
    ) -> Response:
        """One request on a fresh connection; header values may be raw bytes."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            try:
                connection.endheaders(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server refused part way (a head too large): read what it said
            try:
                answer = connection.getresponse()
            except (ConnectionError, http.client.RemoteDisconnected):
                return Response(DROPPED, {}, b"")
            return Response(
                answer.status,
                {name.lower(): value for name, value in answer.getheaders()},
                answer.read(),
            )
        finally:
            connection.close()

    def log(self) -> str:
        """Everything the server has written so far."""
        return self.log_path.read_bytes().decode("utf-8", errors="replace")

    def new_log(self) -> str:
        """What the server wrote since the last call."""
        data = self.log_path.read_bytes()
        text = data[self._offset :].decode("utf-8", errors="replace")
        self._offset = len(data)
        return text

    def stop(self) -> str:
        """Stops the server (SIGTERM, then SIGKILL) and returns its whole log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=DEADLINE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log()


@dataclass
class Client:
    """A client with a cookie jar, like one browser session."""

    server: Server
    cookies: Dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        headers: Optional[Mapping[str, Header]] = None,
        body: Optional[bytes] = None,
    ) -> Response:
        sent: Dict[str, Header] = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.server.request(method, path, sent, body)
        for line in _set_cookies(response):
            pair = line.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response

    def get(self, path: str, headers: Optional[Mapping[str, Header]] = None) -> Response:
        return self.request("GET", path, headers)

    def post(
        self, path: str, data: Any = None, headers: Optional[Mapping[str, Header]] = None
    ) -> Response:
        sent: Dict[str, Header] = {"Content-Type": "application/json", **(headers or {})}
        return self.request("POST", path, sent, json.dumps(data).encode())


def _set_cookies(response: Response) -> Sequence[str]:
    # http.client folds repeated headers with ", "; each test site sets at most one cookie.
    value = response.headers.get("set-cookie")
    return [value] if value else []


def start(argv: Sequence[str], env: Mapping[str, str], cwd: Optional[Path] = None) -> Server:
    """Starts ``argv + ["--fd", N]`` on a fresh listening socket and waits until it answers.

    Raises :class:`ServerFailed` with the server's output when it exits first.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    log = tempfile.NamedTemporaryFile(prefix="userhash-server-", suffix=".log", delete=False)
    try:
        process = subprocess.Popen(
            [*argv, "--fd", str(listener.fileno())],
            pass_fds=(listener.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            cwd=str(cwd or REPO),
        )
    finally:
        listener.close()  # the server holds its own copy
        log.close()
    server = Server(port, process, Path(log.name))
    try:
        _wait_until_answering(server)
    except BaseException:
        server.stop()
        raise
    return server


def run_to_exit(argv: Sequence[str], env: Mapping[str, str]) -> ServerFailed:
    """Starts a server that is expected to refuse to start; returns its exit and output."""
    try:
        server = start(argv, env)
    except ServerFailed as failed:
        return failed
    output = server.stop()
    raise AssertionError(f"the server started and answered:\n{output}")


def _wait_until_answering(server: Server) -> None:
    """Sends one request and polls until the answer or the process's exit."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE_SECONDS)
    try:
        connection.sendall(
            b"GET /__ready__ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        while True:
            readable, _, _ = select.select([connection], [], [], POLL_SECONDS)
            if readable:
                try:
                    if connection.recv(1):
                        return
                except ConnectionError:
                    pass
                break  # closed without an answer: the process is going away
            if server.process.poll() is not None:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not answer in {DEADLINE_SECONDS} s")
    finally:
        connection.close()
    server.process.wait(timeout=DEADLINE_SECONDS)
    raise ServerFailed(server.process.returncode, server.log())


def python_env(**extra: str) -> Dict[str, str]:
    """The environment for a server: this one without any USERHASH_* variable, with the test
    sites importable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("USERHASH_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def serve_command(*args: str) -> list:  # type: ignore[type-arg]
    """``python serve_app.py ARGS`` (see serve_app.py)."""
    return [sys.executable, str(HERE / "serve_app.py"), *args]


def assert_nothing_leaked(text: str, secrets: Sequence[str], tokens: Sequence[str] = ()) -> None:
    """No secret, and no whole token (nor a long run of one), appears in ``text``."""
    for secret in secrets:
        assert secret not in text, "a secret reached the server's output"
    for token in tokens:
        assert token[:32] not in text, "a token reached the server's output"


def iter_lines(text: str, needle: str) -> Iterator[str]:
    return (line for line in text.splitlines() if needle in line)
