"""`saasignal tokens …`: an account's token balance (grant, show)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.args import Parser, account, count, key_store, show_help
from app.cli.keys import check_grant


def register(commands: Any) -> None:
    tokens_group = commands.add_parser(
        "tokens",
        help="manage token balances (grant, show)",
        description="An account's token balance in Redis (REDIS_URL): every request "
        "costs its scope's price (TOKEN_COSTS), and one the balance cannot pay gets 402.",
    )
    show_help(tokens_group)
    tokens = tokens_group.add_subparsers(
        dest="tokens_command", parser_class=Parser, metavar="ACTION"
    )
    grant = tokens.add_parser("grant", help="add tokens to an account; prints the new balance")
    grant.add_argument("--account", type=account, required=True,
                       help="the account (made if new: it starts at 0)")  # fmt: skip
    grant.add_argument("amount", type=count, help="how many tokens to add (0 or more)")
    grant.set_defaults(run=cmd_tokens_grant)
    show = tokens.add_parser("show", help="print an account's balance (0 for an unknown one)")
    show.add_argument("--account", type=account, required=True, help="the account")
    show.set_defaults(run=cmd_tokens_show)


def cmd_tokens_grant(args: argparse.Namespace) -> None:
    tokens = key_store().tokens
    check_grant(tokens, args.account, args.amount)
    print(tokens.grant(args.account, args.amount))


def cmd_tokens_show(args: argparse.Namespace) -> None:
    print(key_store().tokens.balance(args.account))
