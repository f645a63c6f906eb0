"""The operations of the OpenAPI document for the events feed (SPEC.md §15).

Built like the conversation operations (`app/openapi/conversations.py`): components and `$ref`s
only, the errors as classes of the error tree.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from app.errors import InvalidCursor, NotFound, PayloadTooLarge, ValidationFailed
from app.openapi.errors import AUTHENTICATED, error_responses
from app.openapi.parts import (
    EXAMPLE_CONVERSATION,
    EXAMPLE_EVENT_ID,
    EXAMPLE_REQUEST_ID,
    headers,
    operation,
    parameter,
    success,
)
from app.store.events import PAGE_READ_BUDGET
from app.vocabulary import EVENTS_PATH, RATE_LIMIT_HEADERS, READ

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


def _list_events(query: type[Schema]) -> dict[str, Any]:
    page = {"status": "ok", "data": [EXAMPLE_EVENT], "has_more": True, "next_cursor": "eyJlIjpb..."}
    return operation(
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
        parameters=[{"in": "query", "schema": query}],
        responses={
            **success(200, "A page of events.", "EventList", page),
            **error_responses(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, InvalidCursor)),
        },
    )


def _get_event() -> dict[str, Any]:
    return operation(
        "get_event",
        tag=TAG,
        scope=READ,
        summary="Retrieve an event",
        description="404 when unknown, past EVENT_RETENTION_DAYS, or another account's.",
        parameters=[parameter("EventId")],
        responses={
            **success(200, "The event.", "EventEnvelope", {"status": "ok", "data": EXAMPLE_EVENT}),
            **error_responses(AUTHENTICATED, (PayloadTooLarge, NotFound)),
        },
    )


_STREAM_EXAMPLE = (
    "retry: 2000\n\n"
    f"id: {EXAMPLE_EVENT_ID}\nevent: conversation.closed\n"
    'data: {"id": "' + EXAMPLE_EVENT_ID + '", "object": "event", "type": '
    '"conversation.closed", ...}\n\n'
    ": keep-alive\n\n"
)


def _stream_events(query: type[Schema]) -> dict[str, Any]:
    return operation(
        "stream_events",
        tag=TAG,
        scope=READ,
        summary="Stream events as they happen",
        description="The events feed live, over Server-Sent Events (docs/stream.md): "
        "`retry: 2000` first, then one message per event (`id` the event id, `event` its "
        "type, `data` the event object on one line), and a `: keep-alive` comment every 15 "
        "seconds. `Last-Event-ID` (sent by browsers when they reconnect) or `after` starts "
        "right after that event: every event since, in the feed's order, then the live "
        "ones, none missed and none twice. Without either, the stream starts with what is "
        "written after it opens. An id past retention or unknown starts with "
        '`event: reset` (`data: {"reason": "expired"}`), then every event still kept, '
        "oldest first.\n\nOpening costs the read price and every 100 events sent after "
        "the first 100 cost it again; when the balance cannot pay, the stream sends "
        "`event: error` with the error envelope (`insufficient_tokens`) and ends, as it does "
        "within 5 seconds of the key's revocation (`unauthorized`). At most "
        "STREAM_MAX_PER_KEY (default 10) streams are open at once per key: the next is 429. "
        "Refusals before the stream starts are JSON, as on every endpoint.",
        parameters=[
            {"in": "query", "schema": query},
            {
                "in": "header",
                "name": "Last-Event-ID",
                "required": False,
                "description": "Resume right after this event (wins over `after`).",
                "schema": {"type": "string", "example": EXAMPLE_EVENT_ID},
            },
        ],
        responses={
            200: {
                "description": "The stream: Server-Sent Events until the client leaves or "
                "a refusal (`event: error`) ends it.",
                "headers": headers(RATE_LIMIT_HEADERS + ("X-Tokens-Remaining",)),
                "content": {
                    "text/event-stream": {
                        "schema": {"type": "string"},
                        "example": _STREAM_EXAMPLE,
                    }
                },
            },
            **error_responses(AUTHENTICATED, (PayloadTooLarge, ValidationFailed)),
        },
    )


def event_paths(list_query: type[Schema], stream_query: type[Schema]) -> dict[str, dict[str, Any]]:
    """Every events path with its operations; the schemas document the queries."""
    return {
        EVENTS_PATH: {"get": _list_events(list_query)},
        EVENTS_PATH + "/stream": {"get": _stream_events(stream_query)},
        ITEM: {"get": _get_event()},
    }
