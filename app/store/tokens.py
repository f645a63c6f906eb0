"""Token balances and the price of a request (SPEC.md §3): one home for charging.

`TokenStore` debits, refunds, grants and reads balances, and `run` is the one runner of
every script that serves a request: the script takes the price first (KEYS[1] the
balance, ARGV[1] the price, then its own; it answers `{code, balance, ...}`, see
lua/lib.lua), and `run` settles the request's `Charge` from the answer and raises the
service's error for the codes every such script shares.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from redis.commands.core import Script

from app.errors import InsufficientTokens, NotFound, PreconditionFailed
from app.store.failures import REDIS_ERRORS, reports_unavailable
from app.store.keyspace import Keyspace
from app.store.scripts import Code, register_scripts

log = logging.getLogger("saasignal")


@dataclasses.dataclass
class Charge:
    """The token price of one request, and what the token step made of it."""

    account: str
    cost: int
    balance: int | None = None
    debited: bool = False


class TokenStore:
    """Token balances of every account, and the runner of the scripts that charge them."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace

    @property
    def scripts(self) -> dict[str, Script]:
        """The client's scripts, registered on first use (a key store may never run one)."""
        return register_scripts(self.client)

    def run(
        self,
        script: str | Script,
        charge: Charge,
        keys: list[str],
        args: list[Any],
        missing: str = NotFound.message,
    ) -> list[Any]:
        """Run a script that takes the price first; settle the charge from its answer.

        Raises 402 when the balance is short, 404 (`missing` says what was not found) and
        412; a stale read (nothing charged) and every other code are the caller's.
        """
        found = self.scripts[script] if isinstance(script, str) else script
        account = charge.account
        result: list[Any] = found(
            keys=[self.keys.tokens(account), *keys], args=[charge.cost, *args]
        )
        code = int(result[0])
        if code == Code.STALE:
            return result
        charge.balance = int(result[1])
        if code == Code.INSUFFICIENT_TOKENS:
            raise InsufficientTokens(required=charge.cost, balance=charge.balance)
        charge.debited = True
        if code == Code.NOT_FOUND:
            raise NotFound(missing)
        if code == Code.PRECONDITION_FAILED:
            raise PreconditionFailed(version=int(result[2]))
        return result

    @reports_unavailable
    def debit(self, charge: Charge) -> None:
        """Take a request's price, once: a request that stops before storage (bad input,
        bad id), or that reads apart; 402 when short. A price already taken stays so."""
        if not charge.debited:
            self.run("debit_tokens", charge, [], [])

    def refund(self, charge: Charge) -> bool:
        """Give back the price of a request that ended in a 5xx (at most once).

        False when Redis did not take the refund: the failure is logged, the response
        (already a 5xx) goes out as it is.
        """
        if not (charge.debited and charge.cost > 0):
            return False
        try:
            self.client.incrby(self.keys.tokens(charge.account), charge.cost)
        except REDIS_ERRORS:
            log.error("refund of %s tokens to %s failed", charge.cost, charge.account)
            return False
        charge.debited = False
        return True

    @reports_unavailable
    def grant(self, account: str, tokens: int) -> int:
        """Add tokens to an account's balance (creating it); return the new balance."""
        return int(self.client.incrby(self.keys.tokens(account), tokens))

    @reports_unavailable
    def open(self, account: str) -> None:
        """Create an account's balance at 0 if it has none."""
        self.client.set(self.keys.tokens(account), 0, nx=True)

    @reports_unavailable
    def balance(self, account: str) -> int:
        """The account's token balance (0 for an account never seen)."""
        return int(self.client.get(self.keys.tokens(account)) or 0)
