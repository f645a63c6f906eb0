"""Token balances and the price of a request (docs/errors.md): one home for charging.

`TokenStore` debits, refunds, grants and reads balances, and `run` is the one runner of
every script that serves a request: the script takes the price (its inputs `tokens`, the
balance, and `cost`, beside its own; it answers `{code, balance, ...}`, see
docs/internals/scripts.md), and `run` settles the request's `Charge` from the reply and
raises the service's error for the codes every such script shares.

A request's first script also admits it (admission.py): `run` sends it in one pipeline
after the rate limiter's counter (lua/count_request.lua), so a request whose account the
process knows is one round trip. A script that does not admit (the webhook writes) is
preceded by `admit`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from redis.exceptions import NoScriptError, ResponseError

from app.errors import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InsufficientScope,
    InsufficientTokens,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Unauthorized,
)
from app.store.admission import Admission, skip
from app.store.failures import REDIS_ERRORS, reports_unavailable
from app.store.idempotency import Replayed, replay_of
from app.store.keyspace import Keyspace
from app.store.scripts import Code, LoadedScript, Reply, full_source, register_scripts

log = logging.getLogger("saasignal")


@dataclasses.dataclass
class Charge:
    """The token price of one request, and what the token step made of it."""

    account: str
    cost: int
    balance: int | None = None
    debited: bool = False
    admission: Admission | None = None  # the request's checks, until its first script


def script_raised(error: ResponseError) -> bool:
    """Whether the error is a script's own, raised while it ran (a Redis error half way, a
    value it could not use): not a refusal to run it (NOSCRIPT, BUSY, OOM, MOVED, READONLY
    are classes of their own or say so)."""
    return type(error) is ResponseError and not str(error).startswith("BUSY")


def _raised_after_admission(charge: Charge, admission: Admission | None) -> None:
    """Leave a request whose script raised as one that reached its step (docs/errors.md).

    Every request script admits and takes its price first, and Redis keeps what a script
    wrote before it raised: so the price was taken and an Idempotency-Key claimed. Marked
    so, the request's 5xx refunds the price (context.finish) and releases the claim
    (run_idempotent): neither the tokens nor the key are lost to the failure.
    """
    charge.debited = True
    if admission is not None and admission.claim is not None and admission.fingerprint:
        admission.claim.claimed = True


class TokenStore:
    """Token balances of every account, and the runner of the scripts that charge them."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace

    @property
    def scripts(self) -> dict[str, LoadedScript]:
        """The client's scripts, registered on first use (a key store may never run one)."""
        return register_scripts(self.client)

    def run(
        self,
        name: str,
        charge: Charge,
        keys: Mapping[str, Any],
        args: Mapping[str, Any],
        missing: str = NotFound.message,
    ) -> Reply:
        """Run a script that takes the price (`tokens`, `cost`); settle the charge from it.

        Raises the admission's refusals (401, 403, 429, a replay, 409, 422), 402 when the
        balance is short, 404 (`missing` says what was not found) and 412; a stale read and
        a stream past its key's cap (nothing charged) and every other code are the caller's.
        """
        script = self.scripts[name]
        admission = charge.admission
        admits = script.declared.admits
        if admission is not None and not admission.done and not admits:
            self.admit(charge)
        all_keys = {"tokens": self.keys.tokens(charge.account), **keys}
        # A price already taken (the request paid before a name lookup) is not taken again.
        all_args = {"cost": 0 if charge.debited else charge.cost, **args}
        if admits:
            before, given = self._layout(charge)
            all_keys.update(before)
            all_args.update(given)
        try:
            reply = self._call(script, all_keys, all_args, admission)
        except ResponseError as error:
            if script_raised(error):
                _raised_after_admission(charge, admission)
            raise
        code = reply.code
        if code in (Code.STALE, Code.TOO_MANY_STREAMS):  # refused before the price
            return reply
        charge.balance = int(reply.balance)
        if code == Code.INSUFFICIENT_TOKENS:
            raise InsufficientTokens(required=charge.cost, balance=charge.balance)
        charge.debited = True
        if code == Code.NOT_FOUND:
            raise NotFound(missing)
        if code == Code.PRECONDITION_FAILED:
            raise PreconditionFailed(version=int(reply.version))
        return reply

    @reports_unavailable
    def admit(self, charge: Charge) -> None:
        """Run the request's checks alone (a request that reached no admitting script)."""
        admission = charge.admission
        if admission is None or admission.done:
            return
        keys, args = self._layout(charge)
        keys["tokens"] = self.keys.tokens(charge.account)
        args["cost"] = charge.cost
        reply = self._call(self.scripts["admit"], keys, args, admission)
        if reply.code == Code.INSUFFICIENT_TOKENS:
            charge.balance = int(reply.balance)
            raise InsufficientTokens(required=charge.cost, balance=charge.balance)

    def _layout(self, charge: Charge) -> tuple[dict[str, str], dict[str, Any]]:
        if charge.admission is None:
            return skip(self.keys.no_idempotency(charge.account))
        return charge.admission.layout()

    def _call(
        self,
        script: LoadedScript,
        keys: Mapping[str, Any],
        args: Mapping[str, Any],
        admission: Admission | None,
    ) -> Reply:
        """Run the script, after the limiter's counter in one pipeline when it is due."""
        if admission is None or admission.done:
            return script(keys, args)
        # Sent once, whatever comes back: a lost reply may hide checks that ran (a claim).
        admission.done = True
        counter = admission.counter
        if counter is None:
            reply = script(keys, args)
        else:
            ordered_keys, ordered_args = script.order(keys, args)
            pipe = self.client.pipeline(transaction=False)
            counting = self.scripts["count_request"]
            count_keys, count_args = counting.order(
                {"counter": counter.key}, {"window": counter.expiry, "amount": 1}
            )
            # By name: a cluster pipeline has no eval() method, but routes the command. By
            # text (a bare script, short): never a NOSCRIPT to recover from mid-pipeline.
            source = full_source("count_request")
            pipe.execute_command("EVAL", source, len(count_keys), *count_keys, *count_args)
            pipe.pttl(counter.key)
            pipe.execute_command(
                "EVALSHA", script.sha, len(ordered_keys), *ordered_keys, *ordered_args
            )
            count, ttl_ms, result = pipe.execute(raise_on_error=False)
            for found in (count, ttl_ms):
                if isinstance(found, Exception):
                    raise found
            admission.count, admission.ttl_ms = int(counting.decode(count).count), int(ttl_ms)
            if isinstance(result, NoScriptError):  # Redis restarted: load it, run it alone
                reply = script(keys, args)
            elif isinstance(result, Exception):
                raise result
            else:
                reply = script.decode(result)
        self._judge(admission, reply)
        return reply

    def _judge(self, admission: Admission, reply: Reply) -> None:
        """Raise admit()'s refusals; note what the request passed."""
        code = reply.code
        if code == Code.UNAUTHORIZED:
            raise Unauthorized("The API key is unknown or revoked.")
        if code == Code.INSUFFICIENT_SCOPE:
            raise InsufficientScope(required=admission.scope)
        admission.rated = True
        if code == Code.RATE_LIMITED:
            raise RateLimited(retry_after=admission.seconds_left())
        if code == Code.REPLAY:
            raise Replayed(replay_of(reply))
        if code == Code.IDEMPOTENCY_IN_PROGRESS:
            raise IdempotencyInProgress()
        if code == Code.IDEMPOTENCY_KEY_REUSED:
            raise IdempotencyKeyReused()
        if admission.claim is not None and code != Code.INSUFFICIENT_TOKENS:
            admission.claim.claimed = True

    @reports_unavailable
    def debit(self, charge: Charge) -> None:
        """Take a request's price, once: a request that stops before storage (bad input,
        bad id), or that reads apart; 402 when short. A price already taken stays so."""
        if not charge.debited:
            self.run("debit_tokens", charge, {}, {})

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
