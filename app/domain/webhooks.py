"""The webhook objects of docs/webhooks.md, rendered from what the store keeps, and the URL rule."""

from __future__ import annotations

from typing import Any

from app.domain.resources import timestamp
from app.store.ids import make_event_id
from app.store.webhook_deliveries import StoredDelivery
from app.store.webhook_endpoints import StoredEndpoint
from app.store.webhook_queue import AttemptRecord
from app.webhooks.addresses import Resolver, check_url, system_resolver


def url_errors(
    url: str | None, allow_private: bool, resolver: Resolver = system_resolver
) -> dict[str, list[str]]:
    """`{"url": [why]}` when `url` may not be a webhook endpoint's, else `{}`."""
    if url is None:
        return {}
    problem = check_url(url, allow_private, resolver)
    return {"url": [problem]} if problem else {}


def endpoint_resource(stored: StoredEndpoint, with_secret: bool = False) -> dict[str, Any]:
    """The public webhook endpoint object; its secret only where docs/webhooks.md shows it."""
    resource: dict[str, Any] = {
        "id": stored.id,
        "object": "webhook_endpoint",
        "url": stored.url,
        "enabled_events": stored.enabled_events,
        "description": stored.description,
        "status": stored.status,
        "disabled_reason": stored.disabled_reason,
        "created_at": timestamp(stored.created_ms),
        "updated_at": timestamp(stored.updated_ms),
    }
    if with_secret:
        resource["secret"] = stored.secrets.current
    return resource


def deleted_endpoint(endpoint_id: str) -> dict[str, Any]:
    return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}


def delivery_resource(account: str, stored: StoredDelivery) -> dict[str, Any]:
    """The public delivery object: its event by public id, times in RFC 3339."""
    return {
        "id": stored.id,
        "object": "webhook_delivery",
        "event_id": make_event_id(account, stored.event_entry_id),
        "event_type": stored.event_type,
        "status": stored.status,
        "attempts": stored.attempts,
        "last_attempt_at": timestamp(stored.last_attempt_ms),
        "last_status_code": stored.last_status_code,
        "last_error": stored.last_error,
        "next_attempt_at": timestamp(stored.next_attempt_ms),
    }


def attempt_resource(record: AttemptRecord) -> dict[str, Any]:
    """The public attempt object of a delivery's history (docs/webhooks.md)."""
    return {
        "object": "webhook_attempt",
        "attempt": record.attempt,
        "started_at": timestamp(record.started_ms),
        "duration_ms": record.duration_ms,
        "status_code": record.status_code,
        "error": record.error,
        "response_body": record.response_body,
    }


def replayed_webhook_resource(account: str, marker: str, flat: list[str]) -> dict[str, Any]:
    """The answer a webhook script committed for an Idempotency-Key (docs/webhooks.md): the
    endpoint with its secret (create, rotate_secret) or the delivery (retry), as the
    object `marker` names was when the change was made."""
    raw = dict(zip(flat[::2], flat[1::2], strict=True))
    if marker.startswith("we_"):
        return endpoint_resource(StoredEndpoint.from_hash(marker, raw), with_secret=True)
    return delivery_resource(account, StoredDelivery.from_hash(marker, raw))
