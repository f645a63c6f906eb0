"""The events feed of docs/events.md: a filtered, cursor-walked list and one event."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from app.domain.cursors import EVENTS
from app.domain.events import render_event
from app.openapi import events as declare
from app.store.ids import ConversationRef, parse_id
from app.store.pages import Page
from app.web.context import RequestContext
from app.web.envelope import ok
from app.web.inputs import refuse_oversized_body
from app.web.pagination import paginate
from app.web.routing import declared, route

bp = Blueprint("events", __name__)

# A well-formed id that is not one of the account's conversations matches no event.
_NO_CONVERSATION = ConversationRef(seq=0, created_ms=0)
Entry = tuple[str, dict[str, str]]


@route(bp, declare.LIST)
def list_events(ctx: RequestContext) -> Response:
    def read(query: dict[str, Any], after: str | None) -> Page[Entry]:
        ref = None
        if "conversation_id" in query:
            ref = parse_id(ctx.account, query["conversation_id"]) or _NO_CONVERSATION
        store = ctx.services.events
        return store.list_page(ctx.charge, query.get("type"), ref, after, query["limit"])

    return paginate(
        ctx,
        declared(ctx).query_schema,
        EVENTS,
        read,
        lambda entry: render_event(ctx.account, *entry),
    )


@route(bp, declare.GET)
def get_event(ctx: RequestContext, event_id: str) -> Response:
    refuse_oversized_body(ctx)
    stream_id, fields = ctx.services.events.get(ctx.charge, event_id)
    return ok(render_event(ctx.account, stream_id, fields))
