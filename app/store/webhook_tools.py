"""The webhook tools of docs/webhooks.md that write: a test event, and recovering missed events.

Each is one script that takes the request's price first (docs/errors.md) and commits its
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
from app.store.scripts import Code, Reply, pairs
from app.store.tokens import Charge, TokenStore
from app.store.webhook_deliveries import StoredDelivery
from app.store.webhook_endpoints import ENDPOINT_ID_RE
from app.store.webhook_idempotency import committed, idempotency_context, record_key

# One recovery reads at most this many events (docs/webhooks.md).
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
        self,
        name: str,
        account: str,
        endpoint_id: str,
        keys: dict[str, Any],
        args: dict[str, Any],
        charge: Charge | None,
    ) -> Reply:
        """Run a tool's script on one endpoint: its keys and the endpoint's, by name."""
        charge = charge or Charge(account, 0)
        if not ENDPOINT_ID_RE.fullmatch(endpoint_id):
            self.tokens.debit(charge)
            raise NotFound("No such webhook endpoint.")
        keys |= {
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "events": self.keys.events(account),
            "due": self.keys.webhook_due(account),
            "deliveries": self.keys.webhook_endpoint_deliveries(account, endpoint_id),
            "endpoint_due": self.keys.webhook_endpoint_due(account, endpoint_id),
        }
        args |= {
            "endpoint_id": endpoint_id,
            "retention": self.events.retention_seconds,
            "account_prefix": self.keys.account_prefix(account),
            "channel": self.keys.webhook_hints(),
            "account": account,
        }
        reply = self.tokens.run(name, charge, keys, args, "No such webhook endpoint.")
        if reply.code == Code.ENDPOINT_DISABLED:
            raise WebhookEndpointDisabled("The webhook endpoint is disabled: enable it first.")
        return reply

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
        keys = {"idempotency": record_key(self.keys, account, origin.claim)}
        args = {
            "object": endpoint_json,
            "request_id": origin.request_id,
            "idempotency_key": origin.idempotency_key or "",
            "oldest": f"{self.events.cutoff_ms()}-0",
            "idempotency_context": idempotency_context(
                origin.claim, self.events.idempotency_ttl, 200
            ),
        }
        reply = self._run("send_webhook_test", account, endpoint_id, keys, args, charge)
        committed(origin.claim, reply)
        return StoredDelivery.from_hash(reply.delivery_id, pairs(reply.fields))

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
        keys = {"idempotency": record_key(self.keys, account, claim)}
        args = {
            "since": since_ms,
            "upto": until_ms,
            "cutoff": self.events.cutoff_ms(),
            "budget": RECOVERY_READ_BUDGET,
            "byte_budget": RECOVERY_BYTE_BUDGET,
            "idempotency_token": claim.token if claim is not None else "",
            "idempotency_ttl": self.events.idempotency_ttl,
        }
        reply = self._run("recover_webhook_deliveries", account, endpoint_id, keys, args, charge)
        committed(claim, reply)
        body = reply.body
        return body.decode() if isinstance(body, bytes) else str(body)
