"""What every command shares: the parser, argument types, one-line errors, stored data."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from app.config import Config, is_port, non_negative_int
from app.store.connect import connect
from app.store.keys import ACCOUNT_RE, SECRET_RE, KeyStore
from app.store.keyspace import Keyspace
from app.store.migrate import data_version


class CliError(Exception):
    """A failure to report on one line."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors in the service's words."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"saasignal: {message} (see 'saasignal --help')\n")


def show_help(parser: argparse.ArgumentParser) -> None:
    """Make `parser`, run without a subcommand, print its help to stderr and exit 2: a
    command is missing (a subcommand's own `run` replaces this one)."""

    def run(_args: Any) -> NoReturn:
        parser.print_help(sys.stderr)
        raise SystemExit(2)

    parser.set_defaults(run=run)


def account(value: str) -> str:
    """An account name (docs/api-keys.md)."""
    if not ACCOUNT_RE.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"invalid account {value!r}: use 1-63 characters of [a-z0-9_-], starting a-z0-9"
        )
    return value


def count(value: str) -> int:
    """A whole number of tokens, 0 or more."""
    try:
        return non_negative_int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid count {value!r}: expected an integer >= 0"
        ) from None


def port(value: str) -> int:
    """A TCP port, 1-65535."""
    if not is_port(value):
        raise argparse.ArgumentTypeError(f"invalid port {value!r}: expected an integer 1-65535")
    return int(value)


def secret(value: str) -> str:
    """An API key secret, as docs/api-keys.md draws it."""
    if not SECRET_RE.fullmatch(value):
        raise argparse.ArgumentTypeError("a key secret is sk_live_ followed by 40+ [A-Za-z0-9]")
    return value


def stored_config() -> Config:
    """The configuration of a command that works on stored data: REDIS_URL is required."""
    config = Config.from_env()
    if config.redis_url is None:
        raise CliError("REDIS_URL is not set: keys and balances live in Redis")
    return config


def key_store() -> KeyStore:
    """The key store of the configured Redis."""
    config = stored_config()
    client, keys = connect(config.redis_url), Keyspace(config.redis_key_prefix)
    data_version(client, keys)  # a grant may be the first data of an empty prefix: stamped
    return KeyStore(client, keys)
