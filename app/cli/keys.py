"""`saasignal keys …`: API keys in Redis (create, list, revoke)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.args import CliError, Parser, account, count, key_store, show_help
from app.domain.resources import timestamp
from app.store.tokens import TokenStore
from app.vocabulary import DEFAULT_KEY_SCOPES, SCOPES

MAX_BALANCE = 2**63 - 1  # Redis integers are signed 64-bit


def register(commands: Any) -> None:
    keys_group = commands.add_parser("keys", help="manage API keys")
    show_help(keys_group)
    keys = keys_group.add_subparsers(dest="keys_command", parser_class=Parser)
    create = keys.add_parser("create", help="create a key (and its account if new)")
    create.add_argument("--account", type=account, required=True)
    create.add_argument("--scope", action="append", choices=SCOPES, dest="scopes")
    create.add_argument("--tokens", type=count, default=None)
    create.set_defaults(run=cmd_keys_create)
    listing = keys.add_parser("list", help="list an account's keys")
    listing.add_argument("--account", type=account, required=True)
    listing.set_defaults(run=cmd_keys_list)
    revoke = keys.add_parser("revoke", help="revoke a key")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=cmd_keys_revoke)


def check_grant(store: TokenStore, account: str, tokens: int) -> None:
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
        check_grant(store.tokens, args.account, args.tokens)
    key, secret = store.create(args.account, args.scopes or list(DEFAULT_KEY_SCOPES), args.tokens)
    print(f"key_id: {key.key_id}")
    print(f"account: {key.account}")
    print(f"scopes: {' '.join(sorted(key.scopes))}")
    print(secret)


def cmd_keys_list(args: argparse.Namespace) -> None:
    records = key_store().list(args.account)
    if not records:
        raise CliError(f"account {args.account!r} has no keys (or does not exist)")
    for record in records:
        state = "revoked" if record.get("revoked") == "1" else "active"
        print(
            f"{record['key_id']}  {record['scopes'].replace(' ', ',')}  "
            f"{timestamp(record['created_at'])}  {state}"
        )


def cmd_keys_revoke(args: argparse.Namespace) -> None:
    if not key_store().revoke(args.key_id):
        raise CliError(f"no key {args.key_id!r}")
    print(f"revoked {args.key_id}")
