"""The `saasignal` console script (docs/cli.md): one module per command group.

Every failure prints one line to stderr and exits non-zero; never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib import metadata

from redis import exceptions as redis_errors

from app.cli import doctor, keys, listen, migrate, openapi, serve, tokens, worker
from app.cli.args import CliError, Parser, show_help
from app.config import ConfigError
from app.errors import StorageUnavailable

COMMAND_GROUPS = (serve, keys, tokens, doctor, migrate, openapi, worker, listen)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="saasignal",
        description="The SaaSignal Conversations service: serve it, and manage its keys, "
        "tokens, data and webhook worker.",
        epilog="Every command but serve and openapi works on stored data and needs REDIS_URL. "
        "`saasignal COMMAND --help` says more; docs/cli.md has them all.",
    )
    parser.add_argument("--version", action="version", version=f"saasignal {_version()}",
                        help="print the version and exit")  # fmt: skip
    commands = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    show_help(parser)
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def _version() -> str:
    try:
        return metadata.version("saasignal-conversations")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def _fail(message: str) -> int:
    """Write `message` to stderr as one line (Redis messages may span several); return 1."""
    sys.stderr.write(f"saasignal: {' '.join(message.split())}\n")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console script; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (CliError, ConfigError) as error:
        sys.stderr.write(f"saasignal: {error}\n")
        return 1
    except StorageUnavailable as error:
        # The store reports Redis failures as unavailability; the operator needs the cause.
        cause = error.__cause__
        return _fail(
            _redis_failure(cause) if isinstance(cause, Exception) else error.cause or error.text
        )
    except (redis_errors.RedisError, redis_errors.RedisClusterException) as error:
        return _fail(_redis_failure(error))
    except KeyboardInterrupt:
        return 130
    return 0


def _redis_failure(error: Exception) -> str:
    """What went wrong with Redis, in an operator's words."""
    if isinstance(error, redis_errors.AuthenticationError):  # a ConnectionError: first
        return f"Redis refused the credentials: {error}"
    if isinstance(error, redis_errors.ConnectionError | redis_errors.TimeoutError):
        return f"Redis is unreachable: {error}"
    if isinstance(error, redis_errors.RedisError):
        return f"Redis refused the command: {error}"
    if isinstance(error, redis_errors.RedisClusterException):  # not a RedisError
        return f"Redis Cluster failed: {error}"
    return str(error)
