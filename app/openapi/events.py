"""The operations of the OpenAPI document for the events feed (docs/events.md).

Built like the conversation operations (`app/openapi/conversations.py`): components and `$ref`s
only, the errors as classes of the error tree.
"""

from __future__ import annotations

from app.errors import InvalidCursor, NotFound, PayloadTooLarge, ValidationFailed
from app.openapi.declare import Operation, Resource
from app.openapi.errors import AUTHENTICATED
from app.openapi.parts import (
    EXAMPLE_CONVERSATION,
    EXAMPLE_EVENT_ID,
    EXAMPLE_REQUEST_ID,
    parameter,
    success,
)
from app.schemas.events import EventListQuerySchema
from app.store.events import PAGE_READ_BUDGET
from app.vocabulary import EVENTS_PATH, READ

TAG = "Events"
ITEM = EVENTS_PATH + "/{event_id}"

EXAMPLE_EVENT = {
    "id": EXAMPLE_EVENT_ID,
    "object": "event",
    "type": "conversation.closed",
    "created_at": "2026-11-26T12:00:00.123Z",
    "conversation_id": EXAMPLE_CONVERSATION["id"],
    "data": {
        "object": {
            **EXAMPLE_CONVERSATION,
            "status": "closed",
            "version": 2,
            "updated_at": "2026-11-26T12:00:00.123Z",
            "closed_at": "2026-11-26T12:00:00.123Z",
        },
        "previous_attributes": {
            "status": "open",
            "version": 1,
            "updated_at": "2026-11-25T12:00:00.123Z",
            "closed_at": None,
        },
    },
    "request": {"id": EXAMPLE_REQUEST_ID, "idempotency_key": "close-7f3c2a"},
}


def _list_events() -> Operation:
    page = {"status": "ok", "data": [EXAMPLE_EVENT], "has_more": True, "next_cursor": "eyJlIjpb..."}
    return Operation(
        "get",
        EVENTS_PATH,
        "list_events",
        tag=TAG,
        scope=READ,
        summary="List events",
        description="Every change to a conversation, newest first, kept EVENT_RETENTION_DAYS "
        "(default 30). Each event is written in the same atomic step as its change: the feed "
        "never misses a change and never shows one that did not happen. Walking the pages "
        "never returns an event twice and skips none. A filtered page reads at most "
        f"{PAGE_READ_BUDGET:,} events, so it may hold fewer than `limit` (even none) while "
        "`has_more` is true: follow `next_cursor`. Unknown or repeated parameters, bad values "
        "and a limit out of range are 422.",
        query=EventListQuerySchema,
        success=success(200, "A page of events.", "EventList", page),
        errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, InvalidCursor)),
    )


def _get_event() -> Operation:
    return Operation(
        "get",
        ITEM,
        "get_event",
        tag=TAG,
        scope=READ,
        summary="Retrieve an event",
        description="404 when unknown, past EVENT_RETENTION_DAYS, or another account's.",
        parameters=(parameter("EventId"),),
        success=success(
            200, "The event.", "EventEnvelope", {"status": "ok", "data": EXAMPLE_EVENT}
        ),
        errors=(AUTHENTICATED, (PayloadTooLarge, NotFound)),
    )


LIST = _list_events()
GET = _get_event()
RESOURCE = Resource("app.api.events", (LIST, GET))
