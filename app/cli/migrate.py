"""`saasignal migrate`: convert data of an older layout, then stamp its version.

Idempotent and resumable: a second run, or one after a crash, converts what is left and
nothing twice (app/store/migrate.py). The web and the worker refuse to start until it ran.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.args import stored_config
from app.store.connect import connect
from app.store.keyspace import Keyspace
from app.store.migrate import migrate


def register(commands: Any) -> None:
    command = commands.add_parser(
        "migrate", help="convert data of an older layout (idempotent, resumable)"
    )
    command.set_defaults(run=cmd_migrate)


def say(line: str) -> None:
    print(f"migrate: {line}", flush=True)


def cmd_migrate(args: argparse.Namespace) -> None:
    config = stored_config()
    migrate(connect(config.redis_url), Keyspace(config.redis_key_prefix), say)
