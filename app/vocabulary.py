"""The words of the contract, defined once: scopes, prices, enums, paths, header names.

Everything else (HTTP, store, CLI, the OpenAPI document) imports them from here, so a
name changes in one place. Plain data: no Flask, no Redis.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# docs/api-keys.md: scopes form a ladder; each includes every scope below it.
READ, WRITE, ADMIN = "messaging:read", "messaging:write", "messaging:admin"
SCOPES = (READ, WRITE, ADMIN)
SCOPE_RANK: Mapping[str, int] = MappingProxyType({READ: 1, WRITE: 2, ADMIN: 3})
DEFAULT_KEY_SCOPES = (READ, WRITE)

# docs/errors.md, docs/operations.md: TOKEN_COSTS names prices by the scope's last word.
PRICE_NAMES: Mapping[str, str] = MappingProxyType({READ: "read", WRITE: "write", ADMIN: "admin"})
DEFAULT_TOKEN_COSTS: Mapping[str, int] = MappingProxyType({"read": 1, "write": 2, "admin": 2})

# docs/conversations.md.
TYPES = ("direct", "group")
STATUSES = ("open", "closed", "archived")
# docs/conversations.md: the list's orders, newest first either way.
CONVERSATION_ORDERS = ("created_at", "updated_at")

# docs/events.md.
EVENT_TYPES = (
    "conversation.created",
    "conversation.updated",
    "conversation.archived",
    "conversation.closed",
    "conversation.reopened",
    "conversation.deleted",
)

# docs/stream.md: the live stream's `type`, one event type or a family (`conversation.*`).
STREAM_TYPE_FILTERS = (
    *EVENT_TYPES,
    *sorted({event_type.partition(".")[0] + ".*" for event_type in EVENT_TYPES}),
)

# docs/webhooks.md: the event sent to one endpoint by `POST …/test`; never in the feed.
WEBHOOK_TEST_EVENT = "webhook_endpoint.test"
# Every type a webhook receiver may be sent (`GET /event_types` lists them).
WEBHOOK_EVENT_TYPES = (*EVENT_TYPES, WEBHOOK_TEST_EVENT)

# docs/webhooks.md. An endpoint's `enabled_events` holds `*` (every type) or event types.
ENABLED_EVENTS = ("*", *EVENT_TYPES)
WEBHOOK_ENDPOINT_STATUSES = ("enabled", "disabled")
WEBHOOK_DISABLED_REASONS = ("manual", "gone", "failing")
WEBHOOK_DELIVERY_STATUSES = ("pending", "succeeded", "failed")

# docs/conversations.md.
BASE_PATH = "/modules/messaging"
CONVERSATIONS_PATH = BASE_PATH + "/conversations"
EVENTS_PATH = BASE_PATH + "/events"
EVENT_TYPES_PATH = BASE_PATH + "/event_types"
WEBHOOK_ENDPOINTS_PATH = BASE_PATH + "/webhook_endpoints"

# docs/errors.md.
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def entity_tag(version: int | str) -> str:
    """The strong entity tag of a conversation's version (docs/conversations.md): `"3"`."""
    return f'"{version}"'
