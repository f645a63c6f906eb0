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
import sys
import threading
from typing import Any

from app.cli.args import CliError, port, secret
from app.cli.logs import use_json_lines
from app.config import is_port
from app.store.keys import SECRET_RE
from app.vocabulary import SCOPES

DEV_ACCOUNT = "dev"
DEV_TOKENS = 1_000_000
DEV_VARIABLE = "KEY"
DEV_LABEL = f"Development key: account '{DEV_ACCOUNT}', every scope, {DEV_TOKENS} tokens"
# Keys to see 403 and 402 with: (variable, account, scopes, tokens, label).
EXTRA_KEYS = (
    ("READ_KEY", "dev-readonly", ["messaging:read"], DEV_TOKENS,
     "Read-only key: account 'dev-readonly', messaging:read (writes get 403)"),
    ("EMPTY_KEY", "dev-empty", list(SCOPES), 0,
     "Empty-balance key: account 'dev-empty', every scope, 0 tokens (requests get 402)"),
)  # fmt: skip
# What `serve` says on Redis, where it makes no key and delivers no webhook itself.
ON_REDIS = (
    "On Redis (REDIS_URL): make a key with `saasignal keys create --account ACCOUNT "
    "--scope messaging:admin --tokens 1000` (same REDIS_URL; see `saasignal keys create "
    "--help`). Webhooks are delivered by `saasignal worker`: run one beside this server, "
    "with the same REDIS_URL."
)
DEFAULT_PORT = 8000
WEBHOOK_CONCURRENCY = 4


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="run a development server (one process; production is gunicorn)",
        description="Serve the API for development. Without REDIS_URL: on an embedded "
        "in-memory store, with three keys to try, delivering webhooks itself. With REDIS_URL: "
        "on that Redis (keys from `saasignal keys create`, webhooks by `saasignal worker`). "
        "One process; for production run gunicorn (docs/operations.md).",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=port, default=None, help=f"the port (default: PORT, else {DEFAULT_PORT})"
    )
    serve.add_argument("--dev-key", type=secret, default=None, metavar="SECRET",
                       help="the development key's secret, sk_live_ and 40+ letters or digits "
                       "(default: SAASIGNAL_DEV_KEY, else a new one at every start; "
                       "embedded store only)")  # fmt: skip
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
    use_json_lines()  # before create_app, whose lines (the store, the address rule) it formats
    # Bound first, and here rather than by app.run, whose failure is several lines and a
    # SystemExit; the server takes a duplicate of the socket.
    with listen(args.host, port) as sock:
        app = create_app(overrides)
        server = make_server(
            args.host, port, app, threaded=True, fd=sock.fileno(), request_handler=quiet_handler()
        )
    # One line a request: the access log's own (it has its handler; the root one the console
    # script configures would print it a second time).
    logging.getLogger("saasignal.access").propagate = False
    use_json_lines()
    services = app.extensions["saasignal"]
    worker = None
    if services.config.redis_url is None:
        print_dev_keys(services, args.dev_key or os.environ.get("SAASIGNAL_DEV_KEY") or None)
        worker = deliver_webhooks(services)
    else:
        print(ON_REDIS, flush=True)
    # werkzeug's own banner (server.log_startup) is not printed: its coloured warning says
    # in other words what this line says.
    url = f"http://{args.host}:{port}"
    print(
        f"Serving on {url} (reference: {url}/docs), a development server: for production "
        "see docs/operations.md. Ctrl-C stops it.",
        flush=True,
    )
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
    """Make the development keys and print them as `export` lines ready to paste."""
    if secret is not None and not SECRET_RE.fullmatch(secret):
        raise CliError("SAASIGNAL_DEV_KEY must be sk_live_ followed by 40+ [A-Za-z0-9]")
    fixed = secret is not None
    _, secret = services.keys.create(DEV_ACCOUNT, list(SCOPES), DEV_TOKENS, secret=secret)
    made = [(DEV_VARIABLE, secret, DEV_LABEL)]
    for variable, account, scopes, tokens, label in EXTRA_KEYS:
        made.append((variable, services.keys.create(account, scopes, tokens)[1], label))
    new = "the development key fixed, the others new" if fixed else "new"
    print(f"Three API keys, {new} at every start. Paste these lines where you send requests:")
    for variable, made_secret, label in made:
        print(f"export {variable}={made_secret}  # {label}")
    sys.stdout.flush()


def deliver_webhooks(services: Any) -> Any:
    """The webhook worker on a daemon thread of this process (embedded store only)."""
    from app.cli.worker import build_worker

    worker = build_worker(services.client, services.config, WEBHOOK_CONCURRENCY)
    threading.Thread(target=worker.run, name="webhook-worker", daemon=True).start()
    print("Delivering webhooks in this process (no `saasignal worker` needed)", flush=True)
    return worker
