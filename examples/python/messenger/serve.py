"""Serves the example with Django's threaded WSGI server (what ``runserver`` uses, without its
reloader), after creating its tables.

    python examples/python/messenger/serve.py --port 8000     # --port 0 picks a free port
    python examples/python/messenger/serve.py --fd N          # an inherited listening socket

The first line on stdout is ``listening on http://127.0.0.1:PORT``. Bad userhash settings stop
it here, with an error naming the setting. Binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--port", type=int, default=8000)
    where.add_argument("--fd", type=int, help="serve on this listening socket")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "messenger_site.settings")
    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    application = get_wsgi_application()  # loads the middleware: bad settings stop here

    if args.fd is not None:
        listener = socket.socket(fileno=args.fd)
    else:
        listener = socket.create_server(("127.0.0.1", args.port))
    server = ThreadedWSGIServer(listener.getsockname(), WSGIRequestHandler, bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    server.server_name, server.server_port = listener.getsockname()
    server.setup_environ()
    server.set_app(application)
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
