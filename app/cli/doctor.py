"""`saasignal doctor`: check (and repair) that the indexes agree with the conversations."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.args import CliError, account, stored_config
from app.cli.migrate import say
from app.store.connect import connect
from app.store.doctor import run_doctor
from app.store.keyspace import Keyspace
from app.store.migrate import COMMAND, DATA_VERSION, data_version, migrate


def register(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check that indexes agree with conversations",
        description="Check that every index entry has its conversation and every "
        "conversation its index entries; print each problem and exit 1 if any (REDIS_URL).",
    )
    doctor.add_argument("--account", type=account, default=None,
                        help="check this account only (default: every account)")  # fmt: skip
    doctor.add_argument("--repair", action="store_true",
                        help="fix what it finds, safe while the service runs "
                        "(default: only report)")  # fmt: skip
    doctor.set_defaults(run=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> None:
    config = stored_config()
    keys = Keyspace(config.redis_key_prefix)
    client = connect(config.redis_url)
    if args.account is not None and not _exists(client, keys, args.account):
        raise CliError(f"account {args.account!r} does not exist: no keys, tokens or conversations")
    if args.repair:
        migrate(client, keys, say)  # an older layout first: the indexes are checked on it
    problems = run_doctor(client, keys, args.account, args.repair)
    if not args.repair and data_version(client, keys) < DATA_VERSION:
        problems.append(f"the data has an older layout: run `{COMMAND}` (or doctor --repair)")
    for line in problems:
        print(line)
    if problems:
        verb = "repaired" if args.repair else "found (run with --repair to fix)"
        raise CliError(f"{len(problems)} problem(s) {verb}")
    print("no drift: every index agrees with the conversations")


def _exists(client: Any, keys: Keyspace, account: str) -> bool:
    """Whether anything of the account is stored: a key, a balance, a conversation."""
    names = (keys.account_keys(account), keys.tokens(account), keys.sequence(account))
    return any(client.exists(name) for name in names)
