"""The catalog of event types (docs/webhooks.md): each type a receiver may be sent, in one line.

`GET /event_types` lists it and the OpenAPI document's `webhooks` section describes each
type's payload from it, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from app.vocabulary import WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT

DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "conversation.created": "A conversation was created.",
        "conversation.updated": "A PATCH changed a conversation's title, description or metadata.",
        "conversation.archived": "A conversation was archived.",
        "conversation.closed": "A conversation was closed.",
        "conversation.reopened": "A closed or archived conversation was reopened.",
        "conversation.deleted": "A conversation was deleted; `data.object` is as it was.",
        WEBHOOK_TEST_EVENT: "Sent to one endpoint on request (`POST …/test`), to check its "
        "handler; `data.object` is the endpoint, without its secret. Never in the events feed.",
    }
)
assert tuple(DESCRIPTIONS) == WEBHOOK_EVENT_TYPES, "describe every event type, in order"


def event_type_resources() -> list[dict[str, Any]]:
    """Every event type as the public `event_type` object, in the vocabulary's order."""
    return [
        {"object": "event_type", "type": name, "description": DESCRIPTIONS[name]}
        for name in WEBHOOK_EVENT_TYPES
    ]
