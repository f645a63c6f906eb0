"""`saasignal doctor`: check (and repair) that the indexes agree with the hashes.

Every index entry must have its hash, and every hash must sit, with its sequence number as
score, in exactly the four indexes of its type and status. The Lua scripts keep this true;
the doctor proves it, and repairs what an operator's hand or a restored backup broke.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from app import cli
from app.store.connect import connect
from app.store.keyspace import STATUS_NAMES, TYPE_NAMES, Keyspace


def expected_indexes(keys: Keyspace, account: str, fields: dict[str, str]) -> set[str]:
    """The index keys a conversation hash belongs in."""
    type_, status = TYPE_NAMES[fields["t"]], STATUS_NAMES[fields["s"]]
    return {
        keys.index(account),
        keys.index(account, type_=type_),
        keys.index(account, status=status),
        keys.index(account, type_=type_, status=status),
    }


def accounts(client: Any, keys: Keyspace) -> Iterator[str]:
    """Every account that has ever stored a conversation."""
    seen = set()
    for key in client.scan_iter(match=keys.account_pattern(), count=1000):
        name = key[key.index("{") + 1 : key.index("}")]
        if name not in seen:
            seen.add(name)
            yield name


def check_account(client: Any, keys: Keyspace, account: str, repair: bool) -> list[str]:
    """The drift in one account, repaired when asked; one line per problem."""
    problems: list[str] = []
    prefix = keys.conversation(account, "")
    hashes: dict[str, dict[str, str]] = {}
    for key in client.scan_iter(match=prefix + "*", count=1000):
        seq = key.removeprefix(prefix)
        fields = client.hgetall(key)
        if (
            fields.get("t") not in TYPE_NAMES
            or fields.get("s") not in STATUS_NAMES
            or "c" not in fields
        ):
            problems.append(f"{account}: conversation {seq} has a broken hash: {fields}")
            continue
        hashes[seq] = fields
    for index in keys.all_indexes(account):
        scores = dict(client.zrange(index, 0, -1, withscores=True))
        members = set(scores)
        for seq in sorted(members, key=lambda member: (len(member), member)):
            fields = hashes.get(seq)
            if fields is None or index not in expected_indexes(keys, account, fields):
                problems.append(f"{account}: {index} holds conversation {seq}, which is not there")
                if repair:
                    client.zrem(index, seq)
            elif int(scores[seq]) != int(seq):
                problems.append(f"{account}: {index} scores conversation {seq} {scores[seq]}")
                if repair:
                    client.zadd(index, {seq: int(seq)})
        for seq, fields in sorted(hashes.items()):
            if index in expected_indexes(keys, account, fields) and seq not in members:
                problems.append(f"{account}: {index} lacks conversation {seq}")
                if repair:
                    client.zadd(index, {seq: int(seq)})
    return problems


def run_doctor(client: Any, keys: Keyspace, account: str | None, repair: bool) -> list[str]:
    """Check one account or all of them; return every problem found."""
    names = [account] if account else list(accounts(client, keys))
    problems: list[str] = []
    for name in names:
        problems += check_account(client, keys, name, repair)
    return problems


def cmd_doctor(args: argparse.Namespace) -> None:
    config = cli.stored_config()
    keys = Keyspace(config.redis_key_prefix)
    problems = run_doctor(connect(config.redis_url), keys, args.account, args.repair)
    for line in problems:
        print(line)
    if problems:
        verb = "repaired" if args.repair else "found (run with --repair to fix)"
        raise cli.CliError(f"{len(problems)} problem(s) {verb}")
    print("no drift: every index agrees with the conversations")


def register(commands: Any) -> None:
    doctor = commands.add_parser("doctor", help="check that indexes agree with conversations")
    doctor.add_argument("--account", type=cli._account, default=None)
    doctor.add_argument("--repair", action="store_true")
    doctor.set_defaults(run=cmd_doctor)


cli.EXTENSIONS.append(register)
