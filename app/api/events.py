"""The events feed of SPEC.md §15: a filtered, cursor-walked list and one event."""

from __future__ import annotations

from flask import Blueprint, Response

from app.domain.events import render_event
from app.schemas.events import EventListQuerySchema
from app.store.ids import ConversationRef, parse_id
from app.vocabulary import EVENTS_PATH, READ
from app.web.context import RequestContext
from app.web.envelope import ok, page_response
from app.web.guard import guarded
from app.web.inputs import (
    cursor_position,
    list_query,
    refuse_oversized_body,
)

bp = Blueprint("events", __name__, url_prefix=EVENTS_PATH)

_list_schema = EventListQuerySchema()
# A well-formed id that is not one of the account's conversations matches no event.
_NO_CONVERSATION = ConversationRef(seq=0, created_ms=0)


@bp.get("")
@guarded(READ)
def list_events(ctx: RequestContext) -> Response:
    query = list_query(ctx, _list_schema)
    event_type, conversation_id = query.get("type"), query.get("conversation_id")
    cursors = ctx.services.cursors()
    before = cursor_position(
        ctx,
        query,
        lambda cursor: cursors.decode_events(ctx.account, cursor, event_type, conversation_id),
    )
    conversation = None
    if conversation_id is not None:
        conversation = parse_id(ctx.account, conversation_id) or _NO_CONVERSATION
    page = ctx.services.events.list_page(
        ctx.charge, event_type, conversation, before, query["limit"]
    )
    next_cursor = None
    if page.has_more and page.last_read is not None:
        next_cursor = cursors.encode_events(
            ctx.account, event_type, conversation_id, page.last_read
        )
    return page_response(
        [render_event(ctx.account, entry, fields) for entry, fields in page.items],
        page.has_more,
        next_cursor,
    )


@bp.get("/<event_id>")
@guarded(READ)
def get_event(ctx: RequestContext, event_id: str) -> Response:
    refuse_oversized_body(ctx)
    stream_id, fields = ctx.services.events.get(ctx.charge, event_id)
    return ok(render_event(ctx.account, stream_id, fields))
