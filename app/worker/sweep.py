"""The sweep: finds work a lost hint or a failover stranded, at a cost bounded per second.

It reads accounts' next due times (one pipelined `ZRANGE` each) and lowers their scores
in the work index. It goes at two paces, both bounded in accounts a second whatever the
number of accounts:

- **idle**, `IDLE_RATE` accounts a second, a pass over the worker's shards starting at
  most every `PASS_SECONDS`: the safety net for a hint lost without a trace;
- **catch-up**, `CATCH_UP_RATE` accounts a second, over the shards where work may just
  have been stranded: every shard at start and whenever the hint listener subscribes
  again (hints published meanwhile reached no one) or Redis failed (a failover may have
  lost writes to the index), and the shards a worker gains from another (which may have
  died holding hints it never claimed). A catch-up reaches 60,000 accounts a minute.

Once every `TRIM_SECONDS` for all workers (a marker per shard in Redis, so restarts do
not trim again) an idle pass also trims each account's delivery listings past the
retention: a script of about five commands more an account, counted in the same budget
(`TRIM_COST`), so a trimming pass goes at a sixth of the pace.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Protocol

IDLE_RATE = 20.0
CATCH_UP_RATE = 1000.0
PASS_SECONDS = 30.0
TRIM_SECONDS = 6 * 3600
# Redis commands an account costs a trimming pass: its ZRANGE, the script's EVALSHA and
# what the script runs (EXISTS, ZRANGE, a ZREMRANGEBYSCORE an endpoint, SET).
TRIM_COST = 6
# Fewer accounts than this a step only when a shard's pass ends: steps are batches.
MIN_STEP = 10


class SweptQueue(Protocol):
    """What the sweep needs of the webhook queue (app/store/webhook_queue.py)."""

    def shard_accounts(self, shard: int, cursor: int, count: int) -> tuple[int, list[str]]: ...

    def next_due(self, accounts: list[str]) -> list[tuple[str, int]]: ...

    def lower(self, pairs: list[tuple[str, int]]) -> None: ...

    def trim_listings(self, account: str, cutoff_ms: int) -> int: ...

    def claim_trim(self, shard: int, seconds: int) -> bool: ...


class Sweep:
    """One worker's sweep of its shards; `step()` on every tick of the worker's loop."""

    def __init__(
        self,
        queue: SweptQueue,
        clock: Callable[[], float] = time.monotonic,
        idle_rate: float = IDLE_RATE,
        catch_up_rate: float = CATCH_UP_RATE,
    ) -> None:
        self.queue = queue
        self.clock = clock
        self.idle_rate = idle_rate
        self.catch_up_rate = catch_up_rate
        self._idle: dict[int, int] = {}  # shard -> SSCAN cursor of the idle pass under way
        self._urgent: dict[int, int] = {}  # the same, of the catch-up under way
        self._passed = float("-inf")  # when the last idle pass started
        self._trimming: set[int] = set()  # shards whose idle pass under way trims
        self._budget = 0.0  # accounts this sweep may read now
        self._at = clock()
        self.read = 0  # accounts read, all told (for tests and the bench)

    @property
    def catching_up(self) -> bool:
        return bool(self._urgent)

    def catch_up(self, shards: Iterable[int]) -> None:
        """Sweep `shards` from their start at the catch-up pace."""
        for shard in shards:
            self._urgent[shard] = 0

    def step(self, shards: list[int], cutoff_ms: Callable[[], int]) -> None:
        """Sweep the shards this worker owns as far as the budget allows (batches of SSCAN).
        `cutoff_ms()`: the retention's cut-off now (listing entries before it go)."""
        now = self.clock()
        owned = set(shards)
        for pending in (self._idle, self._urgent):
            for shard in [s for s in pending if s not in owned]:
                del pending[shard]  # another worker owns it now
        if not self._idle and now - self._passed >= PASS_SECONDS:
            self._idle = dict.fromkeys(shards, 0)
            self._passed = now
            self._trimming = {s for s in shards if self.queue.claim_trim(s, TRIM_SECONDS)}
        rate = self.catch_up_rate if self._urgent else self.idle_rate
        self._budget = min(self._budget + rate * (now - self._at), rate)  # a second at most
        self._at = now
        # Shard after shard while the budget lasts: a shard whose pass ends hands what is left
        # of the budget to the next, so sweeping few accounts takes one step, not one a shard.
        pending = self._urgent or self._idle  # a catch-up's budget is spent on the catch-up
        while pending and rate > 0 and self._budget >= min(MIN_STEP, rate):
            shard, cursor = next(iter(pending.items()))
            trimming = shard in self._trimming and pending is self._idle
            cost = TRIM_COST if trimming else 1
            cursor, accounts = self.queue.shard_accounts(shard, cursor, int(self._budget // cost))
            self.queue.lower(self.queue.next_due(accounts))
            if trimming:
                cut = cutoff_ms()
                for account in accounts:
                    self.queue.trim_listings(account, cut)
            self.read += len(accounts)
            self._budget -= len(accounts) * cost
            if cursor != 0:
                pending[shard] = cursor
                return  # the budget ran out inside this shard: it goes on next step
            del pending[shard]
