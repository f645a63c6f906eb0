"""The live stream of the events feed in the OpenAPI document (docs/stream.md).

Declared like the other operations (app/openapi/declare.py); its own resource, since its
views are app/api/event_stream.py's.
"""

from __future__ import annotations

from app.errors import PayloadTooLarge, ValidationFailed
from app.openapi.declare import Operation, Resource
from app.openapi.errors import AUTHENTICATED
from app.openapi.events import TAG
from app.openapi.parts import EXAMPLE_EVENT_ID, Responses, headers
from app.schemas.events import EventStreamQuerySchema
from app.vocabulary import EVENTS_PATH, RATE_LIMIT_HEADERS, READ

_EXAMPLE = (
    "retry: 2000\n\n"
    f"id: {EXAMPLE_EVENT_ID}\nevent: conversation.closed\n"
    'data: {"id": "' + EXAMPLE_EVENT_ID + '", "object": "event", "type": '
    '"conversation.closed", ...}\n\n'
    ": keep-alive\n\n"
)

_LAST_EVENT_ID = {
    "in": "header",
    "name": "Last-Event-ID",
    "required": False,
    "description": "Resume right after this event (wins over `after`).",
    "schema": {"type": "string", "example": EXAMPLE_EVENT_ID},
}

_STREAMING: Responses = {
    200: {
        "description": "The stream: Server-Sent Events until the client leaves or a refusal "
        "(`event: error`) ends it.",
        "headers": headers((*RATE_LIMIT_HEADERS, "X-Tokens-Remaining")),
        "content": {"text/event-stream": {"schema": {"type": "string"}, "example": _EXAMPLE}},
    }
}

STREAM = Operation(
    "get",
    EVENTS_PATH + "/stream",
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
    query=EventStreamQuerySchema,
    parameters=(_LAST_EVENT_ID,),
    success=_STREAMING,
    errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed)),
)
RESOURCE = Resource("app.api.event_stream", (STREAM,))
