"""The price of a request and the scripts that take it (SPEC.md §3).

Every script that serves a request debits its price first and answers with a result code
(see lua/lib.lua); `run_charged` settles the Charge from the answer and raises the
service's error for the codes every such script shares.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from redis.commands.core import Script

from app.errors import InsufficientTokens, NotFound, PreconditionFailed
from app.store.scripts import Code


@dataclasses.dataclass
class Charge:
    """The token price of one request, and what the token step made of it."""

    account: str
    cost: int
    balance: int | None = None
    debited: bool = False


def run_charged(script: Script, keys: list[str], args: list[Any], charge: Charge) -> list[Any]:
    """Run a script and settle the charge from its answer; raise 402 / 404 / 412."""
    result: list[Any] = script(keys=keys, args=args)
    code = int(result[0])
    if code == Code.STALE:
        return result
    charge.balance = int(result[1])
    if code == Code.INSUFFICIENT_TOKENS:
        raise InsufficientTokens(required=charge.cost, balance=charge.balance)
    charge.debited = True
    if code == Code.NOT_FOUND:
        raise NotFound()
    if code == Code.PRECONDITION_FAILED:
        raise PreconditionFailed(version=int(result[2]))
    return result


def take_price(scripts: dict[str, Script], tokens_key: str, charge: Charge) -> None:
    """Take a request's price, once: a request that stops before storage (bad input, bad
    id), or that reads; 402 when the balance is short. A price already taken stays so."""
    if not charge.debited:
        run_charged(scripts["debit_tokens"], [tokens_key], [charge.cost], charge)


def run_priced(
    script: Script, tokens_key: str, keys: list[str], args: list[Any], charge: Charge
) -> list[Any]:
    """Run a script that takes the price first (KEYS[1] the balance, ARGV[1] the price,
    then its own; it answers `{code, balance, ...}`); settle the charge; raise 402."""
    result: list[Any] = script(keys=[tokens_key, *keys], args=[charge.cost, *args])
    charge.balance = int(result[1])
    if int(result[0]) == Code.INSUFFICIENT_TOKENS:
        raise InsufficientTokens(required=charge.cost, balance=charge.balance)
    charge.debited = True
    return result
