"""`saasignal worker`: deliver webhooks until stopped (SPEC.md §16).

One loop finds work; a pool of `concurrency` threads makes attempts. Every `POLL_SECONDS`
(and at once whenever an attempt ends) the loop reads which accounts of
`P:webhook-accounts` have a delivery due (one pipelined read for all of them), and claims
as many due deliveries as it has idle threads, so a lease is never held by a delivery
waiting for a thread. Any number of workers on any hosts share the work: a claim is one
script, and a delivery is claimed by one worker at a time. A worker that dies mid-attempt
holds its deliveries only until their 60-second leases end.

`stop()` (SIGTERM) stops claiming, lets the attempts in flight finish and records them,
then `run()` returns. Each attempt logs one JSON line (logger `saasignal.webhooks`) and
counts in the metrics of metrics.py.
"""

from __future__ import annotations

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
from app.store.keyspace import Keyspace
from app.store.webhook_queue import AttemptRecord, Claimed, Finish, WebhookQueue
from app.webhooks.schedule import retry_delay, should_disable
from app.worker import metrics
from app.worker.delivery import Deliverer, Outcome

# (account, event stream entry id, entry fields) -> the public event object
Renderer = Callable[[str, str, dict[str, str]], dict[str, Any]]
POLL_SECONDS = 0.1
ACCOUNTS_REFRESH_SECONDS = 1.0
BACKOFF_SECONDS = 1.0
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
    now_ms = claimed.claimed_ms + int(outcome.duration * 1000)
    failing = should_disable(claimed.failing_since_ms, now_ms, config.webhook_disable_after_seconds)
    return Finish(
        success=False,
        retry_in_ms=None if delay is None else int(delay * 1000),
        disable="failing" if failing else None,
        status_code=outcome.status_code,
        error=outcome.error,
    )


def attempt_record(claimed: Claimed, outcome: Outcome) -> AttemptRecord:
    """What the delivery's history keeps of an attempt (SPEC.md §19)."""
    return AttemptRecord(
        attempt=claimed.attempt,
        started_ms=claimed.claimed_ms,
        duration_ms=round(outcome.duration * 1000),
        status_code=outcome.status_code,
        error=outcome.error,
        response_body=outcome.response_body,
    )


class Worker:
    """Claims due deliveries and attempts them on `concurrency` threads."""

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
        self.queue = WebhookQueue(client, Keyspace(config.redis_key_prefix))
        self.concurrency = concurrency
        self.render = render
        self.deliverer = deliverer or Deliverer(
            config.webhook_timeout_seconds, config.webhook_allow_private_targets
        )
        self.poll_seconds = poll_seconds
        self.name = secrets.token_hex(6)
        self._claims = itertools.count()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._accounts: list[str] = []
        self._accounts_read = 0.0
        self._clock_offset_ms = 0
        self._turn = 0

    def stop(self) -> None:
        """Stop claiming; `run` returns once the attempts in flight are recorded."""
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        """Deliver until `stop()`."""
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook") as pool:
            while not self._stopping.is_set():
                try:
                    self._poll(pool)
                except STORAGE_ERRORS as error:
                    log.warning("webhook worker: Redis failed, retrying: %s", error)
                    self._stopping.wait(BACKOFF_SECONDS)
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
        self.deliverer.close()

    def _idle(self) -> int:
        with self._lock:
            return self.concurrency - self._in_flight

    def _poll(self, pool: ThreadPoolExecutor) -> None:
        if self._idle() <= 0:
            return
        now = time.time()
        if now - self._accounts_read >= ACCOUNTS_REFRESH_SECONDS:
            self._accounts = self.queue.accounts()
            # Due times are Redis's clock (the scripts' TIME): learn how far this host's is off.
            self._clock_offset_ms = self.queue.clock_ms() - int(time.time() * 1000)
            self._accounts_read = now
        due = self.queue.due_accounts(self._accounts, int(now * 1000) + self._clock_offset_ms)
        if not due:
            return
        self._turn = (self._turn + 1) % len(due)  # no account always goes first
        for account in due[self._turn :] + due[: self._turn]:
            idle = self._idle()
            if idle <= 0 or self._stopping.is_set():
                return
            token = f"{self.name}:{next(self._claims)}"
            for claimed in self.queue.claim(account, idle, token):
                with self._lock:
                    self._in_flight += 1
                pool.submit(self._attempt, claimed, token)

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
        return self.deliverer.attempt(claimed.url, event_id, body, active, int(now)), event_id

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
