"""The worker's side of webhook deliveries: find due work, claim it under a lease, finish it.

A claim is one script per account: it picks the due deliveries (`P:{A}:wh:due`, scored
by when each is due), gives each a lease (its due score becomes the lease's end, so a
delivery whose worker died is due again then) and returns everything an attempt needs:
the endpoint's URL and secrets and the event's stream entry. A finish checks the lease's
token, so the result of an attempt whose lease was lost to another worker is dropped.
Times in the scripts are the Redis server's (TIME), so workers on hosts whose clocks
disagree still agree on leases.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import orjson

from app.store.keyspace import Keyspace
from app.store.scripts import register_scripts
from app.webhooks.signing import SecretState

LEASE_MS = 60_000
# A delivery's history keeps its last attempts, no more (SPEC.md §19).
ATTEMPTS_KEPT = 10
LEASE_LOST = 8
# Due entries one claim looks at: enough to skip a few waiting first attempts.
SCAN = 200


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


@dataclasses.dataclass(frozen=True)
class AttemptRecord:
    """One attempt as its delivery's history keeps it (SPEC.md §19); times in ms."""

    attempt: int
    started_ms: int
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    response_body: str | None = None  # the receiver's first 1,024 bytes, as text

    def encode(self) -> bytes:
        """Compact JSON with one-letter names: ten of them are kept per delivery."""
        return orjson.dumps(
            {
                "a": self.attempt,
                "s": self.started_ms,
                "d": self.duration_ms,
                "c": self.status_code,
                "e": self.error,
                "b": self.response_body,
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
    record: AttemptRecord | None = None  # what the delivery's history keeps of the attempt


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class WebhookQueue:
    """Due deliveries of every account, as workers claim and finish them."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace
        self.scripts = register_scripts(client)

    def accounts(self) -> list[str]:
        """Every account that has or had a webhook endpoint."""
        return sorted(self.client.smembers(self.keys.webhook_accounts()))

    def clock_ms(self) -> int:
        """Redis's clock, in ms: due times and leases are on it, whatever the host's says."""
        seconds, micros = self.client.time()
        return int(seconds) * 1000 + int(micros) // 1000

    def due_accounts(self, accounts: Sequence[str], now_ms: int) -> list[str]:
        """The accounts with a delivery due at `now_ms` (one pipelined read each)."""
        if not accounts:
            return []
        pipe = self.client.pipeline(transaction=False)
        for account in accounts:
            pipe.zrangebyscore(self.keys.webhook_due(account), "-inf", now_ms, start=0, num=1)
        return [account for account, due in zip(accounts, pipe.execute(), strict=True) if due]

    def claim(self, account: str, count: int, token: str) -> list[Claimed]:
        """Claim up to `count` due deliveries of `account` under `token`'s lease."""
        keys = [self.keys.webhook_due(account), self.keys.account(account, "events")]
        args: list[Any] = [count, LEASE_MS, token, self.keys.webhook_prefix(account), SCAN]
        now, rows = self.scripts["claim_webhook_deliveries"](keys=keys, args=args)
        return [self._claimed(account, int(now), [*row]) for row in rows]

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
            event_fields=dict(zip(flat[::2], flat[1::2], strict=True)) if flat else None,
            claimed_ms=now,
        )

    def finish(self, claimed: Claimed, token: str, finish: Finish) -> str | None:
        """Record an attempt; the delivery's new status, or None if the lease was lost."""
        account = claimed.account
        keys = [
            self.keys.webhook_delivery(account, claimed.delivery_id),
            self.keys.webhook_endpoint(account, claimed.endpoint_id),
            self.keys.webhook_due(account),
            self.keys.webhook_subscriptions(account),
            self.keys.webhook_endpoint_deliveries(account, claimed.endpoint_id),
            self.keys.webhook_attempts(account, claimed.delivery_id),
        ]
        args: list[Any] = [
            claimed.delivery_id,
            token,
            "success" if finish.success else "failure",
            -1 if finish.retry_in_ms is None else finish.retry_in_ms,
            finish.disable or "",
            "" if claimed.failing_since_ms is None else claimed.failing_since_ms,
            "" if finish.status_code is None else finish.status_code,
            finish.error or "",
            claimed.endpoint_id,
            self.keys.webhook_prefix(account),
            b"" if finish.record is None else finish.record.encode(),
            ATTEMPTS_KEPT,
        ]
        result = self.scripts["finish_webhook_delivery"](keys=keys, args=args)
        if int(result[0]) == LEASE_LOST:
            return None
        return _text(result[1])
