"""The webhook tools of SPEC.md §19 that write: a test event, and recovering missed events.

Each is one script that takes the request's price first (SPEC.md §3) and commits its
Idempotency-Key outcome with its change, as every webhook write does; what it makes due it
makes due as the fan-out does (webhooks.lua's `make_due`, one hint a call). The test event
goes into the account's event stream like any event (so its id is unique and ordered among
them, and it expires with them) under its own type, which the feed skips; its one delivery
is made in the same step.
"""

from __future__ import annotations

from typing import Any

from app.errors import NotFound, WebhookEndpointDisabled
from app.store.events import EventLog, Origin
from app.store.failures import reports_unavailable
from app.store.keyspace import Keyspace
from app.store.scripts import Code
from app.store.tokens import Charge, TokenStore
from app.store.webhook_deliveries import StoredDelivery
from app.store.webhook_endpoints import ENDPOINT_ID_RE
from app.store.webhook_idempotency import committed, idempotency_context, record_key

# One recovery reads at most this many events (SPEC.md §19).
RECOVERY_READ_BUDGET = 1000
# And the most bytes of events one call reads (whole milliseconds), so that its Redis time
# does not grow with the events' size (docs/webhooks.md; bench/RESULTS.md measures it).
RECOVERY_BYTE_BUDGET = 512 * 1024


class WebhookToolStore:
    """Test events and recoveries, over one Redis (or Redis Cluster) client."""

    def __init__(self, client: Any, keyspace: Keyspace, events: EventLog) -> None:
        self.client = client
        self.keys = keyspace
        self.events = events
        self.tokens = TokenStore(client, keyspace)

    def _run(
        self, name: str, account: str, keys: list[str], args: list[Any], charge: Charge | None
    ) -> list[Any]:
        charge = charge or Charge(account, 0)
        if not ENDPOINT_ID_RE.fullmatch(str(args[0])):
            self.tokens.debit(charge)
            raise NotFound("No such webhook endpoint.")
        result = self.tokens.run(name, charge, keys, args, "No such webhook endpoint.")
        if int(result[0]) == Code.ENDPOINT_DISABLED:
            raise WebhookEndpointDisabled("The webhook endpoint is disabled: enable it first.")
        return result

    @reports_unavailable
    def send_test(
        self,
        account: str,
        endpoint_id: str,
        endpoint_json: bytes,
        origin: Origin,
        charge: Charge | None = None,
    ) -> StoredDelivery:
        """Give the endpoint alone a `webhook_endpoint.test` event's delivery, due now."""
        keys = [
            self.keys.webhook_endpoint(account, endpoint_id),
            self.keys.events(account),
            self.keys.webhook_due(account),
            self.keys.webhook_endpoint_deliveries(account, endpoint_id),
            record_key(self.keys, account, origin.claim),
        ]
        args: list[Any] = [
            endpoint_id,
            endpoint_json,
            origin.request_id,
            origin.idempotency_key or "",
            f"{self.events.cutoff_ms()}-0",
            self.events.retention_seconds,
            self.keys.webhook_prefix(account),
            self.keys.webhook_hints(),
            account,
            idempotency_context(origin.claim, self.events.idempotency_ttl, 200),
        ]
        result = self._run("send_webhook_test", account, keys, args, charge)
        committed(origin.claim, result)
        flat = result[3]
        return StoredDelivery.from_hash(result[2], dict(zip(flat[::2], flat[1::2], strict=True)))

    @reports_unavailable
    def recover(
        self,
        account: str,
        endpoint_id: str,
        since_ms: int,
        until_ms: int,
        origin: Origin,
        charge: Charge | None = None,
    ) -> str:
        """Make due what the endpoint missed from `since_ms` to `until_ms`; the response's
        JSON body, which the script also recorded under the request's Idempotency-Key."""
        claim = origin.claim
        keys = [
            self.keys.webhook_endpoint(account, endpoint_id),
            self.keys.events(account),
            self.keys.webhook_due(account),
            self.keys.webhook_endpoint_deliveries(account, endpoint_id),
            claim.record_key if claim is not None else self.keys.no_idempotency(account),
        ]
        args: list[Any] = [
            endpoint_id,
            since_ms,
            until_ms,
            self.events.cutoff_ms(),
            self.events.retention_seconds,
            RECOVERY_READ_BUDGET,
            self.keys.webhook_prefix(account),
            claim.token if claim is not None else "",
            self.events.idempotency_ttl,
            self.keys.webhook_hints(),
            account,
            RECOVERY_BYTE_BUDGET,
        ]
        result = self._run("recover_webhook_deliveries", account, keys, args, charge)
        if claim is not None:
            claim.committed = True  # the script recorded the outcome with the change
        body = result[2]
        return body.decode() if isinstance(body, bytes) else str(body)
