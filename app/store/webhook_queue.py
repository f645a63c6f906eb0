"""The worker's side of webhook deliveries: the work index, claims under a lease, finishes.

The truth of what is due is each account's own `P:{A}:wh:due` (its endpoints, scored by
when the next attempt to each may start) and each endpoint's `due` (see keyspace.py);
writes change them in their own scripts. The work index is apart: 16 shards
`P:{wh:<n>}:ready` of accounts scored by their next due time, each under its own hash
tag. Workers keep it: a claim returns the account's next due time and the worker settles
the account's score with it; hints and the sweep only lower scores.

A claim is one script per account: it picks due deliveries endpoint by endpoint (at most
`WEBHOOK_ENDPOINT_CONCURRENCY` in flight to one), gives each a lease (its due score
becomes the lease's end, so a delivery whose worker died is due again then) and returns
everything an attempt needs. A finish checks the lease's token, so the result of an
attempt whose lease was lost to another worker is dropped. Times in the scripts are the
Redis server's (TIME), so workers on hosts whose clocks disagree still agree on leases.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import orjson

from app.store.keyspace import WEBHOOK_SHARDS, Keyspace, webhook_shard
from app.store.scripts import Code, pairs, register_scripts
from app.webhooks.signing import SecretState

# A claimed delivery is leased for its attempt's bound (WEBHOOK_TIMEOUT_SECONDS, the lookup
# included) and this margin for rendering and recording it: a worker killed mid-attempt
# leaves the delivery to another once the lease ends (19 s at the default 10 s bound; at
# the 50 s most, 59 s and the next poll: within docs/webhooks.md's minute).
LEASE_MARGIN_MS = 9_000
DEFAULT_LEASE_MS = 10_000 + LEASE_MARGIN_MS
# A delivery's history keeps its last attempts, no more (docs/webhooks.md).
ATTEMPTS_KEPT = 10
# Accounts one poll of one shard returns.
POLL_BATCH = 64
TRIM_MARKER_SECONDS = 6 * 3600


@dataclasses.dataclass(frozen=True)
class Claimed:
    """One delivery claimed for one attempt."""

    account: str
    delivery_id: str
    endpoint_id: str
    event_entry_id: str
    event_type: str
    attempt: int  # 1 for the first attempt
    url: str
    secrets: SecretState
    failing_since_ms: int | None
    event_fields: dict[str, str] | None  # None: the event is past retention
    claimed_ms: int  # the Redis server's time of the claim


MAX_RECORD_BYTES = 2048  # one attempt's stored record, at most (docs/webhooks.md)


@dataclasses.dataclass(frozen=True)
class AttemptRecord:
    """One attempt as its delivery's history keeps it (docs/webhooks.md); times in ms."""

    attempt: int
    started_ms: int
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    response_body: str | None = None  # the receiver's first 1,024 bytes, as text

    def encode(self) -> bytes:
        """Compact JSON with one-letter names (ten are kept per delivery), at most
        MAX_RECORD_BYTES whatever the receiver sent: the answer's head is cut to fit after
        escaping, not before (1,024 NUL bytes escape to 6 KB of `\\u0000`)."""
        encoded, body = self._encode(self.response_body), self.response_body
        if body is None or len(encoded) <= MAX_RECORD_BYTES:
            return encoded
        fits, over = 0, len(body)  # the longest prefix of the body whose record fits
        while over - fits > 1:
            middle = (fits + over) // 2
            if len(self._encode(body[:middle])) <= MAX_RECORD_BYTES:
                fits = middle
            else:
                over = middle
        return self._encode(body[:fits])

    def _encode(self, body: str | None) -> bytes:
        return orjson.dumps(
            {
                "a": self.attempt,
                "s": self.started_ms,
                "d": self.duration_ms,
                "c": self.status_code,
                "e": self.error,
                "b": body,
            }
        )

    @classmethod
    def decode(cls, text: str | bytes) -> AttemptRecord:
        raw = orjson.loads(text)
        return cls(raw["a"], raw["s"], raw["d"], raw["c"], raw["e"], raw["b"])


@dataclasses.dataclass(frozen=True)
class Finish:
    """What to record of an attempt."""

    success: bool
    retry_in_ms: int | None = None  # a failure's next attempt; None: no retry left
    disable: str | None = None  # `gone` or `failing`
    status_code: int | None = None
    error: str | None = None
    counts: bool = True  # the receiver's failure (the service's own do not count)
    record: AttemptRecord | None = None  # what the delivery's history keeps of the attempt


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _next(value: Any) -> int | None:
    text = _text(value)
    return int(float(text)) if text else None


class WebhookQueue:
    """Due deliveries of every account, as workers find, claim and finish them."""

    def __init__(
        self,
        client: Any,
        keyspace: Keyspace,
        endpoint_concurrency: int = 10,
        lease_ms: int = DEFAULT_LEASE_MS,
    ) -> None:
        self.client = client
        self.keys = keyspace
        self.endpoint_concurrency = endpoint_concurrency
        self.lease_ms = lease_ms
        self.scripts = register_scripts(client)

    def clock_ms(self) -> int:
        """Redis's clock, in ms: due times and leases are on it, whatever the host's says."""
        seconds, micros = self.client.time()
        return int(seconds) * 1000 + int(micros) // 1000

    def poll(self, shards: Sequence[int], now_ms: int) -> list[tuple[str, float]]:
        """(account, score) of the accounts due at `now_ms` in `shards`, soonest first."""
        if not shards:
            return []
        pipe = self.client.pipeline(transaction=False)
        for shard in shards:
            pipe.zrangebyscore(
                self.keys.webhook_ready(shard), "-inf", now_ms, 0, POLL_BATCH, withscores=True
            )
        found = [(str(a), float(score)) for rows in pipe.execute() for a, score in rows]
        return sorted(found, key=lambda row: row[1])

    def claim(self, account: str, count: int, token: str) -> list[Claimed]:
        """Claim up to `count` due deliveries of `account` under `token`'s lease."""
        return self.claim_next(account, count, token)[0]

    def claim_next(self, account: str, count: int, token: str) -> tuple[list[Claimed], int | None]:
        """`claim`, and the account's next due time after it (None: nothing pending)."""
        keys = {"due": self.keys.webhook_due(account), "events": self.keys.events(account)}
        args = {
            "count": count,
            "lease": self.lease_ms,
            "token": token,
            "account_prefix": self.keys.account_prefix(account),
            "per_endpoint": self.endpoint_concurrency,
        }
        reply = self.scripts["claim_webhook_deliveries"](keys, args)
        now = int(reply.now)
        return [self._claimed(account, now, [*row]) for row in reply.claimed], _next(reply.next)

    def settle(self, account: str, seen: float | None, following: int | None) -> None:
        """Set `account`'s score in the index to its next due time, after a claim that
        started from score `seen` (None: from a hint)."""
        keys = {"ready": self.keys.webhook_ready(webhook_shard(account))}
        args = {"account": account, "seen": "" if seen is None else _score(seen)}
        self.scripts["settle_webhook_account"](keys, {**args, "next": following or ""})

    def lower(self, pairs: Sequence[tuple[str, int]]) -> None:
        """Make each account due in the index no later than its time (ZADD LT)."""
        if not pairs:
            return
        pipe = self.client.pipeline(transaction=False)
        for account, due in pairs:
            pipe.zadd(self.keys.webhook_ready(webhook_shard(account)), {account: due}, lt=True)
        pipe.execute()

    def shard_accounts(self, shard: int, cursor: int, count: int) -> tuple[int, list[str]]:
        """One SSCAN step over the accounts of a shard."""
        following, accounts = self.client.sscan(
            self.keys.webhook_shard_accounts(shard), cursor, count=count
        )
        return int(following), [str(account) for account in accounts]

    def next_due(self, accounts: Sequence[str]) -> list[tuple[str, int]]:
        """(account, next due time) of those of `accounts` with something pending."""
        if not accounts:
            return []
        pipe = self.client.pipeline(transaction=False)
        for account in accounts:
            pipe.zrange(self.keys.webhook_due(account), 0, 0, withscores=True)
        return [
            (account, int(rows[0][1]))
            for account, rows in zip(accounts, pipe.execute(), strict=True)
            if rows
        ]

    def claim_trim(self, shard: int, seconds: int) -> bool:
        """Whether this worker's sweep of `shard` should trim listings: once in `seconds`
        for all workers, restarts included."""
        key = self.keys.webhook_shard_trimmed(shard)
        return bool(self.client.set(key, "1", nx=True, ex=seconds))

    def trim_listings(self, account: str, cutoff_ms: int) -> int:
        """Drop the account's listing entries older than `cutoff_ms` (once in 6 hours)."""
        keys = {
            "endpoints": self.keys.webhook_endpoints(account),
            "trimmed": self.keys.webhook_trimmed(account),
        }
        args = {
            "account_prefix": self.keys.account_prefix(account),
            "cutoff": cutoff_ms,
            "marker_seconds": TRIM_MARKER_SECONDS,
        }
        reply = self.scripts["trim_webhook_listings"](keys, args)
        return -1 if reply.code == Code.NOT_DUE else int(reply.dropped)

    def _claimed(self, account: str, now: int, row: list[Any]) -> Claimed:
        (delivery_id, endpoint_id, entry_id, event_type, attempt, url, secret,
         previous, previous_ends, failing_since, fields) = row  # fmt: skip
        flat = [_text(item) for item in fields]
        return Claimed(
            account=account,
            delivery_id=_text(delivery_id),
            endpoint_id=_text(endpoint_id),
            event_entry_id=_text(entry_id),
            event_type=_text(event_type),
            attempt=int(attempt),
            url=_text(url),
            secrets=SecretState(
                _text(secret),
                _text(previous) or None,
                int(previous_ends) if _text(previous_ends) else None,
            ),
            failing_since_ms=int(failing_since) if _text(failing_since) else None,
            event_fields=pairs(flat) if flat else None,
            claimed_ms=now,
        )

    def finish(self, claimed: Claimed, token: str, finish: Finish) -> str | None:
        """Record an attempt; the delivery's new status, or None if the lease was lost."""
        account, endpoint_id = claimed.account, claimed.endpoint_id
        keys = {
            "delivery": self.keys.webhook_delivery(account, claimed.delivery_id),
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "due": self.keys.webhook_due(account),
            "subscriptions": self.keys.webhook_subscriptions(account),
            "endpoint_due": self.keys.webhook_endpoint_due(account, endpoint_id),
            "in_flight": self.keys.webhook_endpoint_in_flight(account, endpoint_id),
            "attempts": self.keys.webhook_attempts(account, claimed.delivery_id),
        }
        args = {
            "delivery_id": claimed.delivery_id,
            "token": token,
            "outcome": "success" if finish.success else "failure",
            "retry_in": -1 if finish.retry_in_ms is None else finish.retry_in_ms,
            "disable": finish.disable or "",
            "failing_since": "" if claimed.failing_since_ms is None else claimed.failing_since_ms,
            "status_code": "" if finish.status_code is None else finish.status_code,
            "error": finish.error or "",
            "endpoint_id": endpoint_id,
            "counts": "1" if finish.counts else "0",
            "per_endpoint": self.endpoint_concurrency,
            "channel": self.keys.webhook_hints(),
            "account": account,
            "record": b"" if finish.record is None else finish.record.encode(),
            "kept": ATTEMPTS_KEPT,
        }
        reply = self.scripts["finish_webhook_delivery"](keys, args)
        if reply.code == Code.LEASE_LOST:
            return None
        following = _next(reply.next)
        if following is not None:
            self.lower([(account, following)])
        return _text(reply.status)


def _score(value: float) -> str:
    """A zset score as Redis writes it back (ZSCORE): an integer without a fraction."""
    return str(int(value)) if value == int(value) else repr(value)


__all__ = ["WEBHOOK_SHARDS", "Claimed", "Finish", "WebhookQueue"]
