"""The `saasignal` console script (SPEC.md §13).

Every failure prints one line to stderr and exits non-zero; never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from redis import exceptions as redis_errors

from app.config import Config, ConfigError, is_port
from app.schemas import timestamp
from app.store.connect import connect
from app.store.keys import ACCOUNT_RE, SECRET_RE, KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import DEFAULT_KEY_SCOPES, SCOPES

DEV_ACCOUNT = "dev"
DEV_TOKENS = 1_000_000
DEFAULT_SCOPES = list(DEFAULT_KEY_SCOPES)
DEFAULT_PORT = 8000
MAX_BALANCE = 2**63 - 1  # Redis integers are signed 64-bit


class CliError(Exception):
    """A failure to report on one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"saasignal: {message} (see 'saasignal --help')\n")


def _account(value: str) -> str:
    if not ACCOUNT_RE.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"invalid account {value!r}: use 1-63 characters of [a-z0-9_-], starting a-z0-9"
        )
    return value


def _count(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        raise argparse.ArgumentTypeError(f"invalid count {value!r}: expected an integer >= 0")
    return int(value)


def _port_number(value: str) -> int | None:
    """The port `value` names (digits only, 1-65535), or None."""
    return int(value) if is_port(value) else None


def _port(value: str) -> int:
    port = _port_number(value)
    if port is None:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}: expected an integer 1-65535")
    return port


def _secret(value: str) -> str:
    if not SECRET_RE.fullmatch(value):
        raise argparse.ArgumentTypeError("a key secret is sk_live_ followed by 40+ [A-Za-z0-9]")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="saasignal", description="The SaaSignal Conversations service.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = commands.add_parser("serve", help="run a development server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=None, help="default: PORT, else 8000")
    serve.add_argument("--dev-key", type=_secret, default=None, help="fix the dev key's secret")
    serve.set_defaults(run=cmd_serve)

    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(
        dest="keys_command", required=True, parser_class=_Parser
    )
    create = keys.add_parser("create", help="create a key (and its account if new)")
    create.add_argument("--account", type=_account, required=True)
    create.add_argument("--scope", action="append", choices=SCOPES, dest="scopes")
    create.add_argument("--tokens", type=_count, default=None)
    create.set_defaults(run=cmd_keys_create)
    listing = keys.add_parser("list", help="list an account's keys")
    listing.add_argument("--account", type=_account, required=True)
    listing.set_defaults(run=cmd_keys_list)
    revoke = keys.add_parser("revoke", help="revoke a key")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=cmd_keys_revoke)

    tokens = commands.add_parser("tokens", help="manage token balances").add_subparsers(
        dest="tokens_command", required=True, parser_class=_Parser
    )
    grant = tokens.add_parser("grant", help="add tokens to an account")
    grant.add_argument("--account", type=_account, required=True)
    grant.add_argument("amount", type=_count)
    grant.set_defaults(run=cmd_tokens_grant)
    show = tokens.add_parser("show", help="show an account's balance")
    show.add_argument("--account", type=_account, required=True)
    show.set_defaults(run=cmd_tokens_show)

    for extend in EXTENSIONS:
        extend(commands)
    return parser


# Commands added by other modules (doctor, openapi) register here to keep this file small.
EXTENSIONS: list[Callable[[Any], None]] = []


def stored_config() -> Config:
    """The configuration of a command that works on stored data: REDIS_URL is required."""
    config = Config.from_env()
    if config.redis_url is None:
        raise CliError("REDIS_URL is not set: keys and balances live in Redis")
    return config


def key_store() -> KeyStore:
    config = stored_config()
    return KeyStore(connect(config.redis_url), Keyspace(config.redis_key_prefix))


def serve_port(args: argparse.Namespace) -> int:
    """--port, else PORT, else 8000; PORT is read here only, so other commands ignore it."""
    if args.port is not None:
        return int(args.port)
    value = os.environ.get("PORT") or str(DEFAULT_PORT)
    port = _port_number(value)
    if port is None:
        raise CliError(f"PORT={value!r} is invalid: expected an integer 1-65535")
    return port


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
    from werkzeug.serving import make_server

    from app import create_app

    port = serve_port(args)
    # Bound first, and here rather than by app.run, whose failure is several lines and a
    # SystemExit; the server takes a duplicate of the socket.
    with listen(args.host, port) as sock:
        app = create_app()
        server = make_server(args.host, port, app, threaded=True, fd=sock.fileno())
    services = app.extensions["saasignal"]
    if services.config.redis_url is None:
        secret = args.dev_key or os.environ.get("SAASIGNAL_DEV_KEY") or None
        if secret is not None and not SECRET_RE.fullmatch(secret):
            raise CliError("SAASIGNAL_DEV_KEY must be sk_live_ followed by 40+ [A-Za-z0-9]")
        _, secret = services.keys.create(DEV_ACCOUNT, list(SCOPES), DEV_TOKENS, secret=secret)
        print(f"Development key for account '{DEV_ACCOUNT}' (every scope, {DEV_TOKENS} tokens):")
        print(secret, flush=True)
    print(f"Serving on http://{args.host}:{port}", flush=True)
    server.log_startup()
    server.serve_forever()


def check_grant(store: KeyStore, account: str, tokens: int) -> None:
    """Refuse a grant that would take the balance past what Redis can hold."""
    balance = store.balance(account)
    if balance + tokens > MAX_BALANCE:
        raise CliError(
            f"cannot grant {tokens} tokens: {account!r} has {balance} "
            f"and a balance cannot exceed {MAX_BALANCE}"
        )


def cmd_keys_create(args: argparse.Namespace) -> None:
    store = key_store()
    if args.tokens is not None:
        check_grant(store, args.account, args.tokens)
    key, secret = store.create(args.account, args.scopes or DEFAULT_SCOPES, args.tokens)
    print(f"key_id: {key.key_id}")
    print(f"account: {key.account}")
    print(f"scopes: {' '.join(sorted(key.scopes))}")
    print(secret)


def cmd_keys_list(args: argparse.Namespace) -> None:
    for record in key_store().list(args.account):
        state = "revoked" if record.get("revoked") == "1" else "active"
        print(
            f"{record['key_id']}  {record['scopes'].replace(' ', ',')}  "
            f"{timestamp(record['created_at'])}  {state}"
        )


def cmd_keys_revoke(args: argparse.Namespace) -> None:
    if not key_store().revoke(args.key_id):
        raise CliError(f"no key {args.key_id!r}")
    print(f"revoked {args.key_id}")


def cmd_tokens_grant(args: argparse.Namespace) -> None:
    store = key_store()
    check_grant(store, args.account, args.amount)
    print(store.grant(args.account, args.amount))


def cmd_tokens_show(args: argparse.Namespace) -> None:
    print(key_store().balance(args.account))


def _fail(message: str) -> int:
    """Write `message` to stderr as one line (Redis messages may span several); return 1."""
    sys.stderr.write(f"saasignal: {' '.join(message.split())}\n")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console script; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    import app.doctor  # noqa: F401  (registers `saasignal doctor`)
    import app.openapi_cli  # noqa: F401  (registers `saasignal openapi`)

    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (CliError, ConfigError) as error:
        sys.stderr.write(f"saasignal: {error}\n")
        return 1
    except redis_errors.AuthenticationError as error:  # a ConnectionError: caught first
        return _fail(f"Redis refused the credentials: {error}")
    except (redis_errors.ConnectionError, redis_errors.TimeoutError) as error:
        return _fail(f"Redis is unreachable: {error}")
    except redis_errors.RedisError as error:
        return _fail(f"Redis refused the command: {error}")
    except redis_errors.RedisClusterException as error:  # not a RedisError
        return _fail(f"Redis Cluster failed: {error}")
    except KeyboardInterrupt:
        return 130
    return 0
