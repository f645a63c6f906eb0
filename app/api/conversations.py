"""The eight conversation endpoints of docs/conversations.md: load → call the domain → render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.routing import BaseConverter

from app.domain import conversations as domain
from app.domain.cursors import CONVERSATIONS
from app.domain.resources import conversation_resource, counts_resource, deleted_resource
from app.openapi import conversations as declare
from app.store.conversations import Stored
from app.store.pages import Page
from app.vocabulary import entity_tag
from app.web.context import RequestContext
from app.web.envelope import ok
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
from app.web.routing import declared, route

bp = Blueprint("conversations", __name__)


class ConversationSegment(BaseConverter):
    """A conversation's path segment: anything but `counts`, whose route answers GET only,
    so that PATCH or DELETE on it is 405 (and `counts/archive` 404), not "no such
    conversation"."""

    regex = r"(?!counts(?![^/]))[^/]+"


bp.record_once(
    lambda state: state.app.url_map.converters.update(conversation_segment=ConversationSegment)
)


def _conversation(stored: Stored, status: int = 200) -> Response:
    response = ok(conversation_resource(stored), status)
    response.headers["ETag"] = entity_tag(stored["version"])
    return response


@route(bp, declare.CREATE)
def create_conversation(ctx: RequestContext) -> Response:
    data = load(ctx, declared(ctx).body_schema, json_body(ctx))
    fields = domain.new_conversation(data, now_ms())
    return _conversation(ctx.services.conversations.create(ctx.charge, fields, ctx.origin()), 201)


@route(bp, declare.LIST)
def list_conversations(ctx: RequestContext) -> Response:
    def read(query: dict[str, Any], after: int | None) -> Page[Stored]:
        store = ctx.services.conversations
        type_, status, metadata = query.get("type"), query.get("status"), query.get("metadata")
        order_by, limit = query["order_by"], query["limit"]
        return store.list_page(ctx.charge, type_, status, after, limit, order_by, metadata)

    query = declared(ctx).query_schema
    return paginate(ctx, query, CONVERSATIONS, read, conversation_resource)


@route(bp, declare.COUNTS)
def count_conversations(ctx: RequestContext) -> Response:
    refuse_oversized_body(ctx)
    load(ctx, declared(ctx).query_schema, single_valued(ctx, request.args))
    return ok(counts_resource(ctx.services.conversations.counts(ctx.charge)))


@route(bp, declare.GET)
def get_conversation(ctx: RequestContext, conversation_id: str) -> Response:
    refuse_oversized_body(ctx)
    stored = ctx.services.conversations.get(ctx.charge, conversation_id)
    if if_none_match(int(stored["version"])):
        response = Response(status=304)
        response.headers["ETag"] = entity_tag(stored["version"])
        return response
    return _conversation(stored)


@route(bp, declare.UPDATE)
def update_conversation(ctx: RequestContext, conversation_id: str) -> Response:
    patch = load(ctx, declared(ctx).body_schema, json_body(ctx))
    store = ctx.services.conversations
    return _conversation(
        domain.update_conversation(
            store, ctx.charge, conversation_id, patch, if_match(), now_ms(), ctx.origin()
        )
    )


@route(bp, declare.DELETE)
def delete_conversation(ctx: RequestContext, conversation_id: str) -> Response:
    refuse_oversized_body(ctx)
    store = ctx.services.conversations
    store.delete(ctx.charge, conversation_id, if_match(), now_ms(), ctx.origin())
    return ok(deleted_resource(conversation_id))


def _transition(ctx: RequestContext, conversation_id: str, action: str) -> Response:
    load(ctx, declared(ctx).body_schema, json_body(ctx))
    stored = ctx.services.conversations.transition(
        ctx.charge, conversation_id, action, if_match(), now_ms(), ctx.origin()
    )
    return _conversation(stored)


@route(bp, declare.ARCHIVE)
def archive_conversation(ctx: RequestContext, conversation_id: str) -> Response:
    return _transition(ctx, conversation_id, "archive")


@route(bp, declare.CLOSE)
def close_conversation(ctx: RequestContext, conversation_id: str) -> Response:
    return _transition(ctx, conversation_id, "close")


@route(bp, declare.REOPEN)
def reopen_conversation(ctx: RequestContext, conversation_id: str) -> Response:
    return _transition(ctx, conversation_id, "reopen")
