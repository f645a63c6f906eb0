"""`saasignal serve`: a development server, on the embedded store unless REDIS_URL is set.

On the embedded store (no REDIS_URL) the whole API works in this one process: it makes
the `dev` key (every scope) and two more to try 403 and 402 with (a read-only key, and a
key of an account with no tokens), and delivers webhooks itself, the worker of
`saasignal worker` running on a thread, with `http://` loopback and private receivers
allowed (WEBHOOK_ALLOW_PRIVATE_TARGETS=1 unless the environment sets it).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import threading
from typing import Any

from app.cli.args import CliError, port, secret
from app.config import is_port
from app.store.keys import SECRET_RE
from app.vocabulary import SCOPES
from app.webhooks.addresses import describe_rule

DEV_ACCOUNT = "dev"
DEV_TOKENS = 1_000_000
# Keys to see 403 and 402 with: (account, scopes, tokens, label).
EXTRA_KEYS = (
    ("dev-readonly", ["messaging:read"], DEV_TOKENS, "Read-only key (writes get 403)"),
    ("dev-empty", list(SCOPES), 0, "Empty-balance key (every scope, 0 tokens: requests get 402)"),
)
DEFAULT_PORT = 8000
WEBHOOK_CONCURRENCY = 4


def register(commands: Any) -> None:
    serve = commands.add_parser("serve", help="run a development server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=port, default=None, help="default: PORT, else 8000")
    serve.add_argument("--dev-key", type=secret, default=None, help="fix the dev key's secret")
    serve.set_defaults(run=cmd_serve)


def serve_port(args: argparse.Namespace) -> int:
    """--port, else PORT, else 8000; PORT is read here only, so other commands ignore it."""
    if args.port is not None:
        return int(args.port)
    value = os.environ.get("PORT") or str(DEFAULT_PORT)
    if not is_port(value):
        raise CliError(f"PORT={value!r} is invalid: expected an integer 1-65535")
    return int(value)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound and listening on host:port; CliError (one line) when it cannot be."""
    from werkzeug.serving import get_sockaddr, select_address_family

    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug does
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def cmd_serve(args: argparse.Namespace) -> None:
    # The web stack is loaded by the one command that serves: `keys`, `tokens`, `doctor`
    # and `worker` start without Flask.
    from werkzeug.serving import make_server

    from app.factory import create_app

    port = serve_port(args)
    embedded = not os.environ.get("REDIS_URL")
    # Loopback receivers on the embedded store, unless the environment says otherwise.
    allow = {"webhook_allow_private_targets": True}
    overrides = allow if embedded and "WEBHOOK_ALLOW_PRIVATE_TARGETS" not in os.environ else None
    # Bound first, and here rather than by app.run, whose failure is several lines and a
    # SystemExit; the server takes a duplicate of the socket.
    with listen(args.host, port) as sock:
        app = create_app(overrides)
        server = make_server(
            args.host, port, app, threaded=True, fd=sock.fileno(), request_handler=quiet_handler()
        )
    # One line a request: the access log's own (it has its handler; the root one the console
    # script configures would print it a second time, prefixed).
    logging.getLogger("saasignal.access").propagate = False
    services = app.extensions["saasignal"]
    worker = None
    if services.config.redis_url is None:
        print_dev_keys(services, args.dev_key or os.environ.get("SAASIGNAL_DEV_KEY") or None)
        worker = deliver_webhooks(services)
    print(f"Serving on http://{args.host}:{port}", flush=True)
    server.log_startup()
    try:
        server.serve_forever()
    finally:
        if worker is not None:
            worker.stop()


def quiet_handler() -> Any:
    """werkzeug's request handler without its own line per request (the access log says it)."""
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    return QuietHandler


def print_dev_keys(services: Any, secret: str | None) -> None:
    """Make the development keys and print them, each secret on a line of its own."""
    if secret is not None and not SECRET_RE.fullmatch(secret):
        raise CliError("SAASIGNAL_DEV_KEY must be sk_live_ followed by 40+ [A-Za-z0-9]")
    _, secret = services.keys.create(DEV_ACCOUNT, list(SCOPES), DEV_TOKENS, secret=secret)
    print(f"Development key for account '{DEV_ACCOUNT}' (every scope, {DEV_TOKENS} tokens):")
    print(secret)
    for account, scopes, tokens, label in EXTRA_KEYS:
        print(f"{label}, account '{account}':")
        print(services.keys.create(account, scopes, tokens)[1], flush=True)


def deliver_webhooks(services: Any) -> Any:
    """The webhook worker on a daemon thread of this process (embedded store only)."""
    from app.cli.worker import build_worker

    worker = build_worker(services.client, services.config, WEBHOOK_CONCURRENCY)
    threading.Thread(target=worker.run, name="webhook-worker", daemon=True).start()
    rule = describe_rule(services.config.webhook_allow_private_targets)
    print(f"Delivering webhooks in this process; {rule}", flush=True)
    return worker
