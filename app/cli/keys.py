"""`saasignal keys …`: API keys in Redis (create, list, revoke)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.args import CliError, Parser, account, count, key_store, show_help
from app.domain.resources import timestamp
from app.store.tokens import TokenStore
from app.vocabulary import DEFAULT_KEY_SCOPES, SCOPES

MAX_BALANCE = 2**63 - 1  # Redis integers are signed 64-bit

KEYS_HELP = "API keys in Redis (REDIS_URL): each belongs to one account and has its scopes."
ZERO = "a new account starts at 0 tokens, so without --tokens its first request gets 402"
CREATE_HELP = (
    f"Create a key of the account, and the account if it is new: {ZERO} "
    "insufficient_tokens. --tokens on an existing account adds to its balance. Prints the "
    "key's id, account, scopes and balance, then its secret alone on the last line, once "
    "(only a digest of it is stored)."
)
ACCOUNT_HELP = "the account the key belongs to, made if new (1-63 of [a-z0-9_-])"
SCOPE_HELP = (
    f"a scope of the key, one of {', '.join(SCOPES)}; repeat for more (default: "
    "messaging:read and messaging:write); admin includes write, write includes read"
)
TOKENS_HELP = (
    "tokens to add to the account's balance (default: none added; "
    f"{ZERO}); on an existing account they are added to what it has"
)


def register(commands: Any) -> None:
    keys_group = commands.add_parser(
        "keys", help="manage API keys (create, list, revoke)", description=KEYS_HELP
    )
    show_help(keys_group)
    keys = keys_group.add_subparsers(dest="keys_command", parser_class=Parser, metavar="ACTION")
    create = keys.add_parser(
        "create",
        help="create a key (and its account if new); prints its secret once",
        description=CREATE_HELP,
    )
    create.add_argument("--account", type=account, required=True, help=ACCOUNT_HELP)
    create.add_argument("--scope", action="append", choices=SCOPES, dest="scopes",
                        metavar="SCOPE", help=SCOPE_HELP)  # fmt: skip
    create.add_argument("--tokens", type=count, default=None, help=TOKENS_HELP)
    create.set_defaults(run=cmd_keys_create)
    listing = keys.add_parser("list", help="list an account's keys (never their secrets)")
    listing.add_argument("--account", type=account, required=True, help="the account")
    listing.set_defaults(run=cmd_keys_list)
    revoke = keys.add_parser("revoke", help="revoke a key: 401 from its next request on")
    revoke.add_argument("key_id", help="the key's id (key_…, as `keys list` shows it)")
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
    balance = store.tokens.balance(args.account)
    print(f"key_id: {key.key_id}")
    print(f"account: {key.account}")
    print(f"scopes: {' '.join(sorted(key.scopes))}")
    print(f"balance: {balance_line(args.account, balance, args.tokens)}")
    print(secret)


def balance_line(account: str, balance: int, added: int | None) -> str:
    """The account's balance after a `keys create`, and what it means for the key."""
    what = f"{balance} tokens"
    if added:
        what += f" ({added} added)"
    if balance == 0:
        what += (
            ": every request of its keys gets 402 insufficient_tokens until tokens are "
            f"granted (saasignal tokens grant --account {account} AMOUNT)"
        )
    return what


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
