"""The eight conversation endpoints of SPEC.md §1: load → call the domain → render."""

from __future__ import annotations

import time

from flask import Blueprint, Response, request

from app.api.envelope import json_response, ok
from app.api.guard import RequestContext, guarded
from app.api.requests import (
    charge_and_raise,
    if_match,
    if_none_match,
    json_body,
    load,
    refuse_oversized_body,
    single_valued,
)
from app.domain import conversations as domain
from app.domain.resources import conversation_resource, deleted_resource
from app.errors import InvalidCursor
from app.schemas import (
    CreateConversationSchema,
    EmptySchema,
    ListQuerySchema,
    UpdateConversationSchema,
)
from app.store.conversations import Stored
from app.vocabulary import ADMIN, CONVERSATIONS_PATH, READ, WRITE, entity_tag

bp = Blueprint("conversations", __name__, url_prefix=CONVERSATIONS_PATH)

_create_schema = CreateConversationSchema()
_update_schema = UpdateConversationSchema()
_empty_schema = EmptySchema()
_list_schema = ListQuerySchema()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _conversation(stored: Stored, status: int = 200) -> Response:
    response = ok(conversation_resource(stored), status)
    response.headers["ETag"] = entity_tag(stored["version"])
    return response


@bp.post("")
@guarded(WRITE)
def create_conversation(ctx: RequestContext) -> Response:
    data = load(ctx, _create_schema, json_body(ctx))
    fields = domain.new_conversation(data, _now_ms())
    return _conversation(ctx.services.conversations.create(ctx.charge, fields, ctx.origin()), 201)


@bp.get("")
@guarded(READ)
def list_conversations(ctx: RequestContext) -> Response:
    refuse_oversized_body(ctx)
    query = load(ctx, _list_schema, single_valued(ctx, request.args))
    type_, status = query.get("type"), query.get("status")
    cursors = ctx.services.cursors()
    before = None
    if "cursor" in query:
        try:
            before = cursors.decode(ctx.account, query["cursor"], type_, status)
        except InvalidCursor as error:
            charge_and_raise(ctx, error)
    page = ctx.services.conversations.list_page(ctx.charge, type_, status, before, query["limit"])
    next_cursor = None
    if page.has_more and page.last_seq is not None:
        next_cursor = cursors.encode(ctx.account, type_, status, page.last_seq)
    body = {
        "status": "ok",
        "data": [conversation_resource(item) for item in page.items],
        "has_more": page.has_more,
        "next_cursor": next_cursor,
    }
    return json_response(200, body)


@bp.get("/<conversation>")
@guarded(READ)
def get_conversation(ctx: RequestContext, conversation: str) -> Response:
    refuse_oversized_body(ctx)
    stored = ctx.services.conversations.get(ctx.charge, conversation)
    if if_none_match(int(stored["version"])):
        response = Response(status=304)
        response.headers["ETag"] = entity_tag(stored["version"])
        return response
    return _conversation(stored)


@bp.patch("/<conversation>")
@guarded(WRITE)
def update_conversation(ctx: RequestContext, conversation: str) -> Response:
    patch = load(ctx, _update_schema, json_body(ctx))
    store = ctx.services.conversations
    return _conversation(
        domain.update_conversation(
            store, ctx.charge, conversation, patch, if_match(), _now_ms(), ctx.origin()
        )
    )


@bp.delete("/<conversation>")
@guarded(ADMIN)
def delete_conversation(ctx: RequestContext, conversation: str) -> Response:
    refuse_oversized_body(ctx)
    ctx.services.conversations.delete(ctx.charge, conversation, if_match(), _now_ms(), ctx.origin())
    return ok(deleted_resource(conversation))


def _transition(ctx: RequestContext, conversation: str, action: str) -> Response:
    load(ctx, _empty_schema, json_body(ctx))
    stored = ctx.services.conversations.transition(
        ctx.charge, conversation, action, if_match(), _now_ms(), ctx.origin()
    )
    return _conversation(stored)


@bp.post("/<conversation>/archive")
@guarded(WRITE)
def archive_conversation(ctx: RequestContext, conversation: str) -> Response:
    return _transition(ctx, conversation, "archive")


@bp.post("/<conversation>/close")
@guarded(WRITE)
def close_conversation(ctx: RequestContext, conversation: str) -> Response:
    return _transition(ctx, conversation, "close")


@bp.post("/<conversation>/reopen")
@guarded(WRITE)
def reopen_conversation(ctx: RequestContext, conversation: str) -> Response:
    return _transition(ctx, conversation, "reopen")
