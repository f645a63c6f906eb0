"""The eight conversation endpoints of SPEC.md §1: load → call the domain → render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.routing import BaseConverter

from app.domain import conversations as domain
from app.domain.cursors import CONVERSATIONS
from app.domain.resources import conversation_resource, counts_resource, deleted_resource
from app.schemas.common import EmptySchema
from app.schemas.conversations import (
    CreateConversationSchema,
    ListQuerySchema,
    UpdateConversationSchema,
)
from app.store.conversations import Stored
from app.store.pages import Page
from app.vocabulary import ADMIN, CONVERSATIONS_PATH, READ, WRITE, entity_tag
from app.web.context import RequestContext
from app.web.envelope import ok
from app.web.guard import guarded
from app.web.inputs import (
    if_match,
    if_none_match,
    json_body,
    load,
    now_ms,
    refuse_oversized_body,
    single_valued,
)
from app.web.pagination import paginate

bp = Blueprint("conversations", __name__, url_prefix=CONVERSATIONS_PATH)


class ConversationSegment(BaseConverter):
    """A conversation's path segment: anything but `counts`, whose route answers GET only,
    so that PATCH or DELETE on it is 405 (and `counts/archive` 404), not "no such
    conversation"."""

    regex = r"(?!counts(?![^/]))[^/]+"


bp.record_once(
    lambda state: state.app.url_map.converters.update(conversation_segment=ConversationSegment)
)

_create_schema = CreateConversationSchema()
_update_schema = UpdateConversationSchema()
_empty_schema = EmptySchema()
_list_schema = ListQuerySchema()
_no_query = EmptySchema()


def _conversation(stored: Stored, status: int = 200) -> Response:
    response = ok(conversation_resource(stored), status)
    response.headers["ETag"] = entity_tag(stored["version"])
    return response


@bp.post("")
@guarded(WRITE)
def create_conversation(ctx: RequestContext) -> Response:
    data = load(ctx, _create_schema, json_body(ctx))
    fields = domain.new_conversation(data, now_ms())
    return _conversation(ctx.services.conversations.create(ctx.charge, fields, ctx.origin()), 201)


@bp.get("")
@guarded(READ)
def list_conversations(ctx: RequestContext) -> Response:
    def read(query: dict[str, Any], after: int | None) -> Page[Stored]:
        store = ctx.services.conversations
        type_, status, metadata = query.get("type"), query.get("status"), query.get("metadata")
        order_by, limit = query["order_by"], query["limit"]
        return store.list_page(ctx.charge, type_, status, after, limit, order_by, metadata)

    return paginate(ctx, _list_schema, CONVERSATIONS, read, conversation_resource)


@bp.get("/counts")
@guarded(READ)
def count_conversations(ctx: RequestContext) -> Response:
    refuse_oversized_body(ctx)
    load(ctx, _no_query, single_valued(ctx, request.args))
    return ok(counts_resource(ctx.services.conversations.counts(ctx.charge)))


@bp.get("/<conversation_segment:conversation>")
@guarded(READ)
def get_conversation(ctx: RequestContext, conversation: str) -> Response:
    refuse_oversized_body(ctx)
    stored = ctx.services.conversations.get(ctx.charge, conversation)
    if if_none_match(int(stored["version"])):
        response = Response(status=304)
        response.headers["ETag"] = entity_tag(stored["version"])
        return response
    return _conversation(stored)


@bp.patch("/<conversation_segment:conversation>")
@guarded(WRITE)
def update_conversation(ctx: RequestContext, conversation: str) -> Response:
    patch = load(ctx, _update_schema, json_body(ctx))
    store = ctx.services.conversations
    return _conversation(
        domain.update_conversation(
            store, ctx.charge, conversation, patch, if_match(), now_ms(), ctx.origin()
        )
    )


@bp.delete("/<conversation_segment:conversation>")
@guarded(ADMIN)
def delete_conversation(ctx: RequestContext, conversation: str) -> Response:
    refuse_oversized_body(ctx)
    ctx.services.conversations.delete(ctx.charge, conversation, if_match(), now_ms(), ctx.origin())
    return ok(deleted_resource(conversation))


def _transition(ctx: RequestContext, conversation: str, action: str) -> Response:
    load(ctx, _empty_schema, json_body(ctx))
    stored = ctx.services.conversations.transition(
        ctx.charge, conversation, action, if_match(), now_ms(), ctx.origin()
    )
    return _conversation(stored)


@bp.post("/<conversation_segment:conversation>/archive")
@guarded(WRITE)
def archive_conversation(ctx: RequestContext, conversation: str) -> Response:
    return _transition(ctx, conversation, "archive")


@bp.post("/<conversation_segment:conversation>/close")
@guarded(WRITE)
def close_conversation(ctx: RequestContext, conversation: str) -> Response:
    return _transition(ctx, conversation, "close")


@bp.post("/<conversation_segment:conversation>/reopen")
@guarded(WRITE)
def reopen_conversation(ctx: RequestContext, conversation: str) -> Response:
    return _transition(ctx, conversation, "reopen")
