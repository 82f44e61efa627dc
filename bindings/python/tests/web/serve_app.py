"""Serves a test site on an inherited listening socket, the way each framework is deployed.

    python serve_app.py django --fd N         Django's own threaded WSGI server (what runserver
                                              uses), DJANGO_SETTINGS_MODULE from the environment
    python serve_app.py flask MODULE:APP --fd N    Werkzeug's threaded WSGI server
    python serve_app.py asgi MODULE:APP --fd N     uvicorn

The socket is already bound and listening (the test made it on a free port), so a request made
before the server is ready waits in the kernel's queue instead of failing. A server whose app
cannot start (bad settings) exits non-zero with the error on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import socket
import sys
from typing import Any


def load(target: str) -> Any:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def serve_django(listener: socket.socket) -> None:
    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    application = get_wsgi_application()  # loads the middleware: bad settings stop here
    server = ThreadedWSGIServer(
        listener.getsockname(), WSGIRequestHandler, bind_and_activate=False
    )
    server.socket.close()
    server.socket = listener
    server.server_name, server.server_port = listener.getsockname()
    server.setup_environ()
    server.set_app(application)
    server.serve_forever()


def serve_flask(listener: socket.socket, target: str) -> None:
    from werkzeug.serving import make_server

    host, port = listener.getsockname()
    make_server(host, port, load(target), threaded=True, fd=listener.fileno()).serve_forever()


def serve_asgi(listener: socket.socket, target: str) -> None:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(load(target), lifespan="on", log_level="info"))
    server.run(sockets=[listener])
    if not server.started:
        sys.exit(3)  # uvicorn's own exit status for a failed start-up


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("django", "flask", "asgi"))
    parser.add_argument("target", nargs="?")
    parser.add_argument("--fd", type=int, required=True)
    args = parser.parse_args()
    listener = socket.socket(fileno=args.fd)
    if args.kind == "django":
        serve_django(listener)
    elif args.kind == "flask":
        serve_flask(listener, args.target)
    else:
        serve_asgi(listener, args.target)


if __name__ == "__main__":
    main()
