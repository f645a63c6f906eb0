"""`saasignal worker`: deliver webhooks until stopped (docs/webhooks.md).

How work is found: a write that makes a delivery due PUBLISHes a hint from its own
script; the worker that owns the account's shard of the work index (shards.py) claims the
account at once. The index (`P:{wh:<n>}:ready`, accounts by next due time) is what the
workers poll, every `POLL_SECONDS`, for retries that come due and for hints that were
lost; a claim settles the account's score to its next due time. A sweep (sweep.py) reads
accounts' next due times at a pace bounded in accounts a second and lowers their scores:
fast over the shards where work may just have been stranded (at start, on gaining a
shard, after the hint listener subscribed again or Redis failed), slowly over the rest.
Idle, a worker costs Redis its heartbeat, one read of each shard it owns a poll, and the
sweep's bounded pace: nothing that grows with the number of accounts.

Fairness: one account holds at most half of a worker's threads (`account_share`) while
it has more due, so another account's first attempts always find a thread; accounts are
claimed in the order they came due, each up to its share. One endpoint gets at most
`WEBHOOK_ENDPOINT_CONCURRENCY` attempts in flight across all workers (the claim script).

`stop()` (SIGTERM) stops claiming, lets the attempts in flight finish and records them,
then `run()` returns. Each attempt logs one JSON line (logger `saasignal.webhooks`) and
counts in the metrics of metrics.py.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
from redis.exceptions import RedisClusterException, RedisError

from app.config import Config
from app.store.keyspace import Keyspace, webhook_shard
from app.store.webhook_queue import (
    LEASE_MARGIN_MS,
    AttemptRecord,
    Claimed,
    Finish,
    WebhookQueue,
)
from app.webhooks.schedule import retry_delay, should_disable
from app.worker import metrics
from app.worker.delivery import Deliverer, Outcome
from app.worker.shards import HEARTBEAT_SECONDS, HintListener, Membership
from app.worker.sweep import Sweep

# (account, event stream entry id, entry fields) -> the public event object
Renderer = Callable[[str, str, dict[str, str]], dict[str, Any]]
POLL_SECONDS = 0.5
BACKOFF_SECONDS = 1.0
# The service's own failures: they never count towards disabling an endpoint.
OWN_ERRORS = ("event_expired", "internal_error")
log = logging.getLogger("saasignal.webhooks")
STORAGE_ERRORS = (RedisError, RedisClusterException)


def decide(claimed: Claimed, outcome: Outcome, config: Config) -> Finish:
    """What an attempt's outcome makes of its delivery and endpoint."""
    if outcome.succeeded:
        return Finish(True, status_code=outcome.status_code)
    if outcome.gone:
        return Finish(False, None, "gone", outcome.status_code)
    delay = retry_delay(config.webhook_retry_schedule, claimed.attempt, outcome.retry_after)
    if outcome.error == "event_expired":
        delay = None  # nothing left to send, ever
    counts = outcome.error not in OWN_ERRORS
    now_ms = claimed.claimed_ms + int(outcome.duration * 1000)
    failing = counts and should_disable(
        claimed.failing_since_ms, now_ms, config.webhook_disable_after_seconds
    )
    return Finish(
        success=False,
        retry_in_ms=None if delay is None else int(delay * 1000),
        disable="failing" if failing else None,
        status_code=outcome.status_code,
        error=outcome.error,
        counts=counts,
    )


def attempt_record(claimed: Claimed, outcome: Outcome) -> AttemptRecord:
    """What the delivery's history keeps of an attempt (docs/webhooks.md)."""
    return AttemptRecord(
        attempt=claimed.attempt,
        started_ms=claimed.claimed_ms,
        duration_ms=round(outcome.duration * 1000),
        status_code=outcome.status_code,
        error=outcome.error,
        response_body=outcome.response_body,
    )


class Worker:
    """Finds due accounts in its shards, claims their deliveries, attempts them on threads."""

    def __init__(
        self,
        client: Any,
        config: Config,
        concurrency: int,
        render: Renderer,
        deliverer: Deliverer | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.config = config
        keys = Keyspace(config.redis_key_prefix)
        lease_ms = int(config.webhook_timeout_seconds * 1000) + LEASE_MARGIN_MS
        self.queue = WebhookQueue(client, keys, config.webhook_endpoint_concurrency, lease_ms)
        self.concurrency = concurrency
        self.account_share = max(1, concurrency // 2)
        self.render = render
        self.deliverer = deliverer or Deliverer(
            config.webhook_timeout_seconds,
            config.webhook_allow_private_targets,
            dns_timeout=config.webhook_dns_timeout_seconds,
        )
        self.poll_seconds = poll_seconds
        self.name = secrets.token_hex(6)
        self.membership = Membership(client, keys, self.name)
        self.hints = HintListener(client, keys, self._wakeup, self._subscribed)
        self.sweep = Sweep(self.queue)
        self._claims = itertools.count()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._by_account: collections.Counter[str] = collections.Counter()
        self._waiting: set[str] = set()  # hinted accounts not claimed yet
        self._clock_offset_ms = 0
        self._beaten = float("-inf")
        self._catch_up = threading.Event()  # hints may have been lost: sweep every shard

    def _wakeup(self) -> None:
        self._wake.set()

    def _subscribed(self) -> None:
        """The hint listener (re)subscribed: hints published before reached no one."""
        self._catch_up.set()
        self._wake.set()

    def stop(self) -> None:
        """Stop claiming; `run` returns once the attempts in flight are recorded."""
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        """Deliver until `stop()`."""
        self._start()
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook") as pool:
            while not self._stopping.is_set():
                try:
                    self._tick(pool)
                except STORAGE_ERRORS as error:
                    log.warning("webhook worker: Redis failed, retrying: %s", error)
                    self._catch_up.set()  # a failover may have lost writes to the index
                    self._stopping.wait(BACKOFF_SECONDS)
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
        self.hints.stop()
        self.deliverer.close()
        try:
            self.membership.leave()
        except STORAGE_ERRORS:
            pass  # its heartbeat just ages out

    def _start(self) -> None:
        self.hints.start()

    def _now_ms(self) -> int:
        return int(time.time() * 1000) + self._clock_offset_ms

    def _idle(self) -> int:
        with self._lock:
            return self.concurrency - self._in_flight

    def _tick(self, pool: ThreadPoolExecutor) -> None:
        if time.monotonic() - self._beaten >= HEARTBEAT_SECONDS:
            # Due times are Redis's clock (the scripts' TIME): learn how far this host's is off.
            self._clock_offset_ms = self.queue.clock_ms() - int(time.time() * 1000)
            before = set(self.membership.shards)
            gained = set(self.membership.beat(self._now_ms())) - before
            self.sweep.catch_up(sorted(gained))  # its last owner may have died holding hints
            self._beaten = time.monotonic()
        if self._catch_up.is_set():
            self._catch_up.clear()
            self.sweep.catch_up(self.membership.shards)
        shards = set(self.membership.shards)
        self._waiting |= {a for a in self.hints.take() if webhook_shard(a) in shards}
        if self._idle() > 0:
            self._claim_round(pool, sorted(shards))
        self.sweep.step(sorted(shards), self._retention_cutoff_ms)

    def _claim_round(self, pool: ThreadPoolExecutor, shards: list[int]) -> None:
        candidates: dict[str, float | None] = dict.fromkeys(sorted(self._waiting))
        for account, score in self.queue.poll(shards, self._now_ms()):
            if account not in candidates:
                candidates[account] = score
        for account, seen in candidates.items():
            if self._stopping.is_set():
                return
            with self._lock:
                room = min(self.concurrency - self._in_flight,
                           self.account_share - self._by_account[account])  # fmt: skip
            if room <= 0:
                continue  # its share is taken (or every thread): the others go first
            self._waiting.discard(account)
            token = f"{self.name}:{next(self._claims)}"
            claimed, following = self.queue.claim_next(account, room, token)
            self.queue.settle(account, seen, following)
            for one in claimed:
                with self._lock:
                    self._in_flight += 1
                    self._by_account[account] += 1
                pool.submit(self._attempt, one, token)

    def _retention_cutoff_ms(self) -> int:
        return self._now_ms() - self.config.event_retention_days * 86_400_000

    def _attempt(self, claimed: Claimed, token: str) -> None:
        try:
            outcome, event_id = self._deliver(claimed)
            finish = dataclasses.replace(
                decide(claimed, outcome, self.config), record=attempt_record(claimed, outcome)
            )
            status = self.queue.finish(claimed, token, finish)
            metrics.record_attempt(outcome.label, outcome.duration)
            self._log(claimed, event_id, outcome, status)
        except STORAGE_ERRORS as error:
            # Unrecorded: the lease ends and the delivery is attempted again.
            log.warning("webhook %s: recording the attempt failed: %s", claimed.delivery_id, error)
        except Exception:
            log.exception("webhook %s: the attempt failed", claimed.delivery_id)
        finally:
            with self._lock:
                self._in_flight -= 1
                self._by_account[claimed.account] -= 1
                if not self._by_account[claimed.account]:
                    del self._by_account[claimed.account]
            self._wake.set()

    def _deliver(self, claimed: Claimed) -> tuple[Outcome, str | None]:
        """The attempt's outcome and the id of the event it sent."""
        if claimed.event_fields is None:
            return Outcome(error="event_expired"), None
        try:
            event = self.render(claimed.account, claimed.event_entry_id, claimed.event_fields)
            event_id = str(event["id"])
            body = orjson.dumps(event)
        except Exception:
            log.exception("webhook %s: the event could not be rendered", claimed.delivery_id)
            return Outcome(error="internal_error"), None
        now = time.time()
        active = claimed.secrets.active(int(now * 1000))
        outcome = self.deliverer.attempt(
            claimed.url, event_id, body, active, int(now), claimed.account
        )
        return outcome, event_id

    def _log(
        self, claimed: Claimed, event_id: str | None, outcome: Outcome, status: str | None
    ) -> None:
        line = {
            "message": "webhook attempt",
            "account": claimed.account,
            "event_id": event_id,
            "delivery_id": claimed.delivery_id,
            "endpoint_id": claimed.endpoint_id,
            "event_type": claimed.event_type,
            "attempt": claimed.attempt,
            "outcome": outcome.label,
            "status_code": outcome.status_code,
            "error": outcome.error,
            "duration_ms": round(outcome.duration * 1000, 1),
            "delivery_status": status or "lease_lost",
        }
        log.info(json.dumps(line))
