"""Webhook deliveries as the API sees them: an endpoint's log, newest first, and retry.

The events' writer creates deliveries (see keyspace.py); the worker's side is in
webhook_queue.py. A delivery id holds its event's position
(`whd_<ms, 13 digits><sequence, 6 digits>_<endpoint>`), and an endpoint's deliveries are
scored by that millisecond, so a page after a cursor (the last id shown) reads the few
deliveries of the same millisecond that sort below it, then the older ones:
O(log N + limit), exact whatever is added or trimmed meanwhile.

A request's price (a `Charge`) is taken first: by the retry script itself, in the same
step; by `debit_tokens` before a page is read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.errors import NotFound, WebhookEndpointDisabled
from app.store.charges import Charge, run_priced, take_price
from app.store.failures import reports_unavailable
from app.store.keyspace import Keyspace
from app.store.pages import Page
from app.store.scripts import Code, register_scripts
from app.store.webhook_endpoints import ENDPOINT_ID_RE

DELIVERY_ID_RE = re.compile(r"^whd_[0-9]{19}_[A-Za-z0-9]{24}$")
ENDPOINT_DISABLED = 7


@dataclasses.dataclass(frozen=True)
class StoredDelivery:
    """One delivery as stored; times in epoch ms, None where absent."""

    id: str
    endpoint_id: str
    event_entry_id: str
    event_type: str
    status: str
    attempts: int
    created_ms: int
    last_attempt_ms: int | None
    last_status_code: int | None
    last_error: str | None
    next_attempt_ms: int | None

    @classmethod
    def from_hash(cls, delivery_id: str, raw: Mapping[str, str]) -> StoredDelivery:
        def number(name: str) -> int | None:
            return int(raw[name]) if raw.get(name) else None

        return cls(
            id=delivery_id,
            endpoint_id=raw["ep"],
            event_entry_id=raw["ev"],
            event_type=raw["ty"],
            status=raw["st"],
            attempts=int(raw.get("at") or 0),
            created_ms=int(raw["cr"]),
            last_attempt_ms=number("la"),
            last_status_code=number("lc"),
            last_error=raw.get("le") or None,
            next_attempt_ms=number("na") if raw["st"] == "pending" else None,
        )


class WebhookDeliveryStore:
    """Deliveries of every account's endpoints, as the API reads and retries them."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace
        self.scripts = register_scripts(client)

    def _debit(self, account: str, charge: Charge | None) -> None:
        if charge is not None:
            take_price(self.scripts, self.keys.tokens(account), charge)

    def _check_endpoint(self, account: str, endpoint_id: str) -> None:
        if not ENDPOINT_ID_RE.fullmatch(endpoint_id) or not self.client.exists(
            self.keys.webhook_endpoint(account, endpoint_id)
        ):
            raise NotFound("No such webhook endpoint.")

    @reports_unavailable
    def list_page(
        self,
        account: str,
        endpoint_id: str,
        before: str | None,
        limit: int,
        charge: Charge | None = None,
    ) -> Page[StoredDelivery]:
        """The endpoint's deliveries older than the delivery `before`, newest first."""
        self._debit(account, charge)
        self._check_endpoint(account, endpoint_id)
        key = self.keys.webhook_endpoint_deliveries(account, endpoint_id)
        if before is None:
            ids: list[str] = self.client.zrevrangebyscore(
                key, "+inf", "-inf", start=0, num=limit + 1
            )
        else:
            ms = int(before[4:17])
            pipe = self.client.pipeline(transaction=False)
            pipe.zrevrangebyscore(key, ms, ms)
            pipe.zrevrangebyscore(key, f"({ms}", "-inf", start=0, num=limit + 1)
            same, older = pipe.execute()
            ids = [member for member in same if member < before] + older
        shown = ids[:limit]
        items = self._read(account, shown)
        return Page(items, len(ids) > limit, shown[-1] if shown else None)

    def _read(self, account: str, ids: Sequence[str]) -> list[StoredDelivery]:
        if not ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for delivery_id in ids:
            pipe.hgetall(self.keys.webhook_delivery(account, delivery_id))
        # A delivery past retention may outlive its hash in the list for a moment: not shown.
        return [
            StoredDelivery.from_hash(delivery_id, raw)
            for delivery_id, raw in zip(ids, pipe.execute(), strict=True)
            if raw
        ]

    @reports_unavailable
    def get(self, account: str, endpoint_id: str, delivery_id: str) -> StoredDelivery:
        """One delivery of one endpoint; NotFound otherwise."""
        self._check_endpoint(account, endpoint_id)
        found = self._read(account, [delivery_id]) if DELIVERY_ID_RE.fullmatch(delivery_id) else []
        if not found or found[0].endpoint_id != endpoint_id:
            raise NotFound("No such webhook delivery.")
        return found[0]

    @reports_unavailable
    def retry(
        self, account: str, endpoint_id: str, delivery_id: str, charge: Charge | None = None
    ) -> StoredDelivery:
        """Make a delivery due now, whatever its status; 409 when its endpoint is disabled."""
        if not ENDPOINT_ID_RE.fullmatch(endpoint_id) or not DELIVERY_ID_RE.fullmatch(delivery_id):
            self._debit(account, charge)
            raise NotFound("No such webhook delivery.")
        keys = [
            self.keys.webhook_delivery(account, delivery_id),
            self.keys.webhook_endpoint(account, endpoint_id),
            self.keys.webhook_due(account),
        ]
        script = self.scripts["retry_webhook_delivery"]
        tokens = self.keys.tokens(account)
        args = [delivery_id, endpoint_id]
        result = run_priced(script, tokens, keys, args, charge or Charge(account, 0))
        code = int(result[0])
        if code == Code.NOT_FOUND:
            raise NotFound("No such webhook delivery.")
        if code == ENDPOINT_DISABLED:
            raise WebhookEndpointDisabled()
        raw = result[2]
        return StoredDelivery.from_hash(delivery_id, dict(zip(raw[::2], raw[1::2], strict=True)))
