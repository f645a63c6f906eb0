"""The events feed of SPEC.md §15: a filtered, cursor-walked list and one event."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from app.domain.cursors import EVENTS
from app.domain.events import render_event
from app.schemas.events import EventListQuerySchema
from app.store.ids import ConversationRef, parse_id
from app.store.pages import Page
from app.vocabulary import EVENTS_PATH, READ
from app.web.context import RequestContext
from app.web.envelope import ok
from app.web.guard import guarded
from app.web.inputs import refuse_oversized_body
from app.web.pagination import paginate

bp = Blueprint("events", __name__, url_prefix=EVENTS_PATH)

_list_schema = EventListQuerySchema()
# A well-formed id that is not one of the account's conversations matches no event.
_NO_CONVERSATION = ConversationRef(seq=0, created_ms=0)
Entry = tuple[str, dict[str, str]]


@bp.get("")
@guarded(READ)
def list_events(ctx: RequestContext) -> Response:
    def read(query: dict[str, Any], after: str | None) -> Page[Entry]:
        ref = None
        if "conversation_id" in query:
            ref = parse_id(ctx.account, query["conversation_id"]) or _NO_CONVERSATION
        store = ctx.services.events
        return store.list_page(ctx.charge, query.get("type"), ref, after, query["limit"])

    return paginate(
        ctx, _list_schema, EVENTS, read, lambda entry: render_event(ctx.account, *entry)
    )


@bp.get("/<event_id>")
@guarded(READ)
def get_event(ctx: RequestContext, event_id: str) -> Response:
    refuse_oversized_body(ctx)
    stream_id, fields = ctx.services.events.get(ctx.charge, event_id)
    return ok(render_event(ctx.account, stream_id, fields))
