"""Webhook deliveries as the API sees them: an endpoint's log, newest first, and retry.

The events' writer creates deliveries (see keyspace.py); the worker's side is in
webhook_queue.py. A delivery id holds its event's position
(`whd_<ms, 13 digits><sequence, 6 digits>_<endpoint>`), and an endpoint's deliveries are
scored by that millisecond, so a page after a cursor (the last id read) reads the few
deliveries of the same millisecond that sort below it, then the older ones:
O(log N + limit), exact whatever is added or trimmed meanwhile. One script
(`list_webhook_deliveries`) charges, checks the endpoint and reads the page with its rows.
Filtered by status, a page reads at most PAGE_READ_BUDGET deliveries, as the events feed
does; filtered by event, it is the one delivery the event and endpoint name, if any.

A request's price (a `Charge`) is taken first, through the TokenStore: by the retry script
itself, in the same step; by `debit_tokens` before a page is read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.errors import NotFound, WebhookEndpointDisabled
from app.store.failures import reports_unavailable
from app.store.idempotency import Claim
from app.store.keyspace import Keyspace
from app.store.pages import Page
from app.store.scripts import Code, pairs
from app.store.tokens import Charge, TokenStore
from app.store.webhook_endpoints import ENDPOINT_ID_RE
from app.store.webhook_idempotency import committed, idempotency_context, record_key
from app.store.webhook_queue import ATTEMPTS_KEPT, AttemptRecord

DELIVERY_ID_RE = re.compile(r"^whd_[0-9]{19}_[A-Za-z0-9]{24}$")
MISSING = "No such webhook delivery."
# A page filtered by status reads at most this many deliveries (as the events feed does).
PAGE_READ_BUDGET = 1000


def delivery_id_of(event_entry_id: str, endpoint_id: str) -> str:
    """The id of the delivery of the event at stream entry `<ms>-<n>` to an endpoint."""
    ms, _, n = event_entry_id.partition("-")
    return f"whd_{int(ms):013d}{int(n):06d}_{endpoint_id[3:]}"


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

    def __init__(self, client: Any, keyspace: Keyspace, idempotency_ttl: int = 86400) -> None:
        self.client = client
        self.keys = keyspace
        self.tokens = TokenStore(client, keyspace)
        self.idempotency_ttl = idempotency_ttl

    def _debit(self, account: str, charge: Charge | None) -> None:
        if charge is not None:
            self.tokens.debit(charge)

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
        status: str | None = None,
        event_entry_id: str | None = None,
    ) -> Page[StoredDelivery]:
        """The endpoint's deliveries older than the delivery `before`, newest first.

        `status` keeps those in that status (a page then reads at most PAGE_READ_BUDGET
        deliveries); `event_entry_id` the one delivery of that event, if any.
        """
        if not ENDPOINT_ID_RE.fullmatch(endpoint_id):
            self._debit(account, charge)
            raise NotFound("No such webhook endpoint.")
        only = "" if event_entry_id is None else delivery_id_of(event_entry_id, endpoint_id)
        keys = {
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "deliveries": self.keys.webhook_endpoint_deliveries(account, endpoint_id),
        }
        args = {
            "before": before or "",
            "page_size": limit,
            "status": status or "",
            "only": only,
            "budget": PAGE_READ_BUDGET,
            "account_prefix": self.keys.account_prefix(account),
        }
        reply = self.tokens.run(
            "list_webhook_deliveries",
            charge or Charge(account, 0),
            keys,
            args,
            "No such webhook endpoint.",
        )
        items = [
            StoredDelivery.from_hash(delivery_id, pairs(raw))
            for delivery_id, raw in pairs(reply.page).items()
        ]
        return Page(items, bool(int(reply.has_more)), reply.last or None)

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
    def get(
        self, account: str, endpoint_id: str, delivery_id: str, charge: Charge | None = None
    ) -> StoredDelivery:
        """One delivery of one endpoint; NotFound otherwise."""
        self._debit(account, charge)
        self._check_endpoint(account, endpoint_id)
        found = self._read(account, [delivery_id]) if DELIVERY_ID_RE.fullmatch(delivery_id) else []
        if not found or found[0].endpoint_id != endpoint_id:
            raise NotFound("No such webhook delivery.")
        return found[0]

    @reports_unavailable
    def attempts(
        self, account: str, endpoint_id: str, delivery_id: str, charge: Charge | None = None
    ) -> list[AttemptRecord]:
        """A delivery's last attempts, newest first; NotFound as `get`."""
        self.get(account, endpoint_id, delivery_id, charge)
        key = self.keys.webhook_attempts(account, delivery_id)
        return [AttemptRecord.decode(raw) for raw in self.client.lrange(key, 0, ATTEMPTS_KEPT - 1)]

    @reports_unavailable
    def retry(
        self,
        account: str,
        endpoint_id: str,
        delivery_id: str,
        charge: Charge | None = None,
        claim: Claim | None = None,
    ) -> StoredDelivery:
        """Make a delivery due now, whatever its status; 409 when its endpoint is disabled."""
        if not ENDPOINT_ID_RE.fullmatch(endpoint_id) or not DELIVERY_ID_RE.fullmatch(delivery_id):
            self._debit(account, charge)
            raise NotFound("No such webhook delivery.")
        keys = {
            "delivery": self.keys.webhook_delivery(account, delivery_id),
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "due": self.keys.webhook_due(account),
            "endpoint_due": self.keys.webhook_endpoint_due(account, endpoint_id),
            "idempotency": record_key(self.keys, account, claim),
        }
        args = {
            "delivery_id": delivery_id,
            "endpoint_id": endpoint_id,
            "channel": self.keys.webhook_hints(),
            "account": account,
            "idempotency_context": idempotency_context(claim, self.idempotency_ttl, 200),
        }
        reply = self.tokens.run(
            "retry_webhook_delivery", charge or Charge(account, 0), keys, args, MISSING
        )
        committed(claim, reply)
        if reply.code == Code.ENDPOINT_DISABLED:
            raise WebhookEndpointDisabled()
        return StoredDelivery.from_hash(delivery_id, pairs(reply.fields))
