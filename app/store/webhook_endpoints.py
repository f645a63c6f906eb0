"""Webhook endpoints in Redis (docs/webhooks.md): create, read, list, change, delete, rotate.

Each change is one Lua script that also keeps `P:{A}:wh:subs` equal to the account's
enabled endpoints and what they subscribe to, which is all the events' fan-out reads.
The account joins its shard's `P:{wh:<n>}:accounts` (where the workers' sweep finds
it) before any endpoint of it is enabled, in a command of its own: that set lives in
another cluster slot. The store never sees Flask.

A request's price (a `Charge`) is taken by the change's own script, first, in the same
atomic step (docs/errors.md); a read takes it with `debit_tokens` before it reads; both go
through the TokenStore. Without a charge (the worker's tests, the command line) nothing is
taken.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import string
from collections.abc import Mapping, Sequence
from typing import Any

from app.errors import NotFound, TooManyWebhookEndpoints
from app.store.failures import reports_unavailable
from app.store.idempotency import Claim
from app.store.keyspace import Keyspace, webhook_shard
from app.store.pages import Page
from app.store.scripts import Code, Reply, pairs, register_scripts
from app.store.tokens import Charge, TokenStore
from app.store.webhook_idempotency import committed, idempotency_context, record_key
from app.webhooks.signing import ROTATION_OVERLAP_MS, SecretState, new_secret

MAX_ENDPOINTS = 16
ENDPOINT_ID_RE = re.compile(r"^we_[A-Za-z0-9]{24}$")
MISSING = "No such webhook endpoint."
_ALPHABET = string.ascii_letters + string.digits
# PATCH fields → hash fields (`enabled_events` and `status` are encoded on the way).
_UPDATABLE = {"url": "url", "enabled_events": "ev", "description": "d", "status": "st"}


def new_endpoint_id() -> str:
    return "we_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


def encode_events(events: Sequence[str]) -> str:
    """`["*"]` → `*`; a list of types → `,type,type,` (the fan-out matches `,<type>,`)."""
    if "*" in events:
        return "*"
    return "," + ",".join(dict.fromkeys(events)) + ","


def decode_events(text: str) -> list[str]:
    return ["*"] if text == "*" else [name for name in text.split(",") if name]


@dataclasses.dataclass(frozen=True)
class StoredEndpoint:
    """One endpoint as stored; times in epoch ms."""

    id: str
    url: str
    enabled_events: list[str]
    description: str | None
    status: str
    disabled_reason: str | None
    created_ms: int
    updated_ms: int
    seq: int
    secrets: SecretState
    failing_since_ms: int | None

    @classmethod
    def from_hash(cls, endpoint_id: str, raw: Mapping[str, str]) -> StoredEndpoint:
        return cls(
            id=endpoint_id,
            url=raw["url"],
            enabled_events=decode_events(raw["ev"]),
            description=raw.get("d"),
            status=raw["st"],
            disabled_reason=raw.get("dr"),
            created_ms=int(raw["c"]),
            updated_ms=int(raw["u"]),
            seq=int(raw["sq"]),
            secrets=SecretState(
                raw["sk"], raw.get("ps"), int(raw["px"]) if raw.get("px") else None
            ),
            failing_since_ms=int(raw["fs"]) if raw.get("fs") else None,
        )


class WebhookEndpointStore:
    """The webhook endpoints of every account, over one Redis (or Redis Cluster) client."""

    def __init__(self, client: Any, keyspace: Keyspace, idempotency_ttl: int = 86400) -> None:
        self.client = client
        self.keys = keyspace
        self.idempotency_ttl = idempotency_ttl
        self.scripts = register_scripts(client)
        self.tokens = TokenStore(client, keyspace)

    def _not_found(self, endpoint_id: str) -> NotFound:
        return NotFound(MISSING)

    def _run(
        self,
        name: str,
        account: str,
        keys: dict[str, Any],
        args: dict[str, Any],
        charge: Charge | None,
    ) -> Reply:
        """Run a write script that takes the price first (nothing without a charge)."""
        return self.tokens.run(name, charge or Charge(account, 0), keys, args, MISSING)

    def _locate(self, account: str, endpoint_id: str, charge: Charge | None) -> None:
        """A charged 404 for an id that cannot be an endpoint's."""
        if not ENDPOINT_ID_RE.fullmatch(endpoint_id):
            self.debit(account, charge)
            raise self._not_found(endpoint_id)

    def _join_shard(self, account: str) -> None:
        shard = webhook_shard(account)
        self.client.sadd(self.keys.webhook_shard_accounts(shard), account)

    def debit(self, account: str, charge: Charge | None) -> None:
        """Take the price of a request that reads, or stops before storage (402 if short)."""
        if charge is not None:
            self.tokens.debit(charge)

    @reports_unavailable
    def create(
        self,
        account: str,
        url: str,
        enabled_events: Sequence[str],
        description: str | None,
        now_ms: int,
        secret: str | None = None,
        charge: Charge | None = None,
        claim: Claim | None = None,
    ) -> StoredEndpoint:
        """Store a new enabled endpoint with a new secret; TooManyWebhookEndpoints past 16.

        With an Idempotency-Key's `claim`, the script records the outcome with the change."""
        endpoint_id = new_endpoint_id()
        secret = secret or new_secret()
        events = encode_events(enabled_events)
        # Before the endpoint exists: no delivery of it is ever left where no worker looks.
        self._join_shard(account)
        keys = {
            "endpoints": self.keys.webhook_endpoints(account),
            "sequence": self.keys.webhook_sequence(account),
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "subscriptions": self.keys.webhook_subscriptions(account),
            "idempotency": record_key(self.keys, account, claim),
        }
        args = {
            "most": MAX_ENDPOINTS,
            "endpoint_id": endpoint_id,
            "now": now_ms,
            "url": url,
            "events": events,
            "secret": secret,
            "idempotency_context": idempotency_context(claim, self.idempotency_ttl, 201),
            "description": [] if description is None else [description],
        }
        reply = self._run("create_webhook_endpoint", account, keys, args, charge)
        committed(claim, reply)
        if reply.code == Code.TOO_MANY_ENDPOINTS:
            raise TooManyWebhookEndpoints(MAX_ENDPOINTS)
        return StoredEndpoint(
            id=endpoint_id,
            url=url,
            enabled_events=decode_events(events),
            description=description,
            status="enabled",
            disabled_reason=None,
            created_ms=now_ms,
            updated_ms=now_ms,
            seq=int(reply.seq),
            secrets=SecretState(secret),
            failing_since_ms=None,
        )

    @reports_unavailable
    def get(self, account: str, endpoint_id: str, charge: Charge | None = None) -> StoredEndpoint:
        """One endpoint; NotFound when the account has no such endpoint."""
        self.debit(account, charge)
        self._locate(account, endpoint_id, None)
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(self.keys.webhook_endpoint(account, endpoint_id))
        pipe.get(self.keys.webhook_previous_secret(account, endpoint_id))
        raw, previous = pipe.execute()
        if not raw:
            raise self._not_found(endpoint_id)
        return StoredEndpoint.from_hash(endpoint_id, {**raw, "ps": previous})

    @reports_unavailable
    def list_page(
        self, account: str, before_seq: int | None, limit: int, charge: Charge | None = None
    ) -> Page[StoredEndpoint]:
        """The page of endpoints created before `before_seq`, newest first."""
        self.debit(account, charge)
        bound = "+inf" if before_seq is None else f"({before_seq}"
        found = self.client.zrevrangebyscore(
            self.keys.webhook_endpoints(account), bound, "-inf", start=0, num=limit + 1
        )
        ids: list[str] = found[:limit]
        pipe = self.client.pipeline(transaction=False)
        for endpoint_id in ids:
            pipe.hgetall(self.keys.webhook_endpoint(account, endpoint_id))
        raws = pipe.execute() if ids else []
        items = [
            StoredEndpoint.from_hash(endpoint_id, raw)
            for endpoint_id, raw in zip(ids, raws, strict=True)
            if raw  # deleted between the two reads
        ]
        last = items[-1].seq if items else None
        return Page(items, len(found) > limit, last)

    @reports_unavailable
    def update(
        self,
        account: str,
        endpoint_id: str,
        changes: Mapping[str, Any],
        now_ms: int,
        charge: Charge | None = None,
    ) -> StoredEndpoint:
        """Apply a PATCH: `url`, `enabled_events`, `description` (None clears), `status`."""
        self._locate(account, endpoint_id, charge)
        pairs_: list[Any] = []
        for name, value in changes.items():
            if name == "description" and value is None:
                pairs_ += ["dnull", ""]
            elif name == "enabled_events":
                pairs_ += ["ev", encode_events(value)]
            else:
                pairs_ += [_UPDATABLE[name], value]
        args = {"endpoint_id": endpoint_id, "now": now_ms, "changes": pairs_}
        if changes.get("status") == "enabled":
            self._join_shard(account)
        keys = {
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "subscriptions": self.keys.webhook_subscriptions(account),
            "deliveries": self.keys.webhook_endpoint_deliveries(account, endpoint_id),
        }
        reply = self._run("update_webhook_endpoint", account, keys, args, charge)
        return StoredEndpoint.from_hash(endpoint_id, pairs(reply.fields))

    @reports_unavailable
    def delete(self, account: str, endpoint_id: str, charge: Charge | None = None) -> None:
        """Delete an endpoint; nothing is sent to it from this moment on."""
        self._locate(account, endpoint_id, charge)
        keys = {
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "deliveries": self.keys.webhook_endpoint_deliveries(account, endpoint_id),
            "subscriptions": self.keys.webhook_subscriptions(account),
            "endpoints": self.keys.webhook_endpoints(account),
            "previous_secret": self.keys.webhook_previous_secret(account, endpoint_id),
        }
        args = {"endpoint_id": endpoint_id}
        self._run("delete_webhook_endpoint", account, keys, args, charge)

    @reports_unavailable
    def rotate_secret(
        self,
        account: str,
        endpoint_id: str,
        now_ms: int,
        secret: str | None = None,
        charge: Charge | None = None,
        claim: Claim | None = None,
    ) -> StoredEndpoint:
        """Give the endpoint a new secret; the old one signs beside it for 24 hours."""
        self._locate(account, endpoint_id, charge)
        keys = {
            "endpoint": self.keys.webhook_endpoint(account, endpoint_id),
            "idempotency": record_key(self.keys, account, claim),
            "previous_secret": self.keys.webhook_previous_secret(account, endpoint_id),
        }
        args = {
            "now": now_ms,
            "secret": secret or new_secret(),
            "overlap": ROTATION_OVERLAP_MS,
            "idempotency_context": idempotency_context(claim, self.idempotency_ttl, 200),
            "endpoint_id": endpoint_id,
        }
        reply = self._run("rotate_webhook_secret", account, keys, args, charge)
        committed(claim, reply)
        # The replaced secret lives in a key of its own that expires (keyspace.py).
        return StoredEndpoint.from_hash(endpoint_id, {**pairs(reply.fields), "ps": reply.previous})
