"""The eight conversation endpoints of SPEC.md §1."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request

from app.api.guard import RequestContext, guarded
from app.api.requests import (
    charge_and_raise,
    if_match,
    if_none_match,
    json_body,
    load,
    refuse_oversized_body,
)
from app.envelope import dumps, json_response, loads, ok
from app.errors import InvalidCursor, NotFound, StorageUnavailable, ValidationFailed
from app.schemas import (
    CreateConversationSchema,
    EmptySchema,
    ListQuerySchema,
    UpdateConversationSchema,
    conversation_resource,
    metadata_errors,
)
from app.store.conversations import Stored
from app.vocabulary import ADMIN, CONVERSATIONS_PATH, READ, WRITE

bp = Blueprint("conversations", __name__, url_prefix=CONVERSATIONS_PATH)

_create_schema = CreateConversationSchema()
_update_schema = UpdateConversationSchema()
_empty_schema = EmptySchema()
_list_schema = ListQuerySchema()
_MAX_UPDATE_ATTEMPTS = 64


def _now_ms() -> int:
    return int(time.time() * 1000)


def _conversation(stored: Stored, status: int = 200) -> Response:
    response = ok(conversation_resource(stored), status)
    response.headers["ETag"] = f'"{stored["version"]}"'
    return response


@bp.post("")
@guarded(WRITE)
def create_conversation(ctx: RequestContext) -> Response:
    data = load(ctx, _create_schema, json_body(ctx))
    now = str(_now_ms())
    fields = {
        "type": data["type"],
        "status": "open",
        "version": "1",
        "created_at": now,
        "metadata": dumps(data["metadata"]).decode(),
    }
    for name in ("title", "description"):
        if data[name] is not None:
            fields[name] = data[name]
    return _conversation(ctx.services.conversations.create(ctx.charge, fields), 201)


@bp.get("")
@guarded(READ)
def list_conversations(ctx: RequestContext) -> Response:
    refuse_oversized_body(ctx)
    args = request.args
    repeated = sorted(name for name in args if len(args.getlist(name)) > 1)
    if repeated:
        details = {name: ["Give this parameter once."] for name in repeated}
        charge_and_raise(ctx, ValidationFailed(details=details))
    query = load(ctx, _list_schema, args.to_dict())
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
        response.headers["ETag"] = f'"{stored["version"]}"'
        return response
    return _conversation(stored)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: null removes, objects merge, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def _changes(
    current: Mapping[str, str], patch: Mapping[str, Any]
) -> tuple[dict[str, str], list[str], list[str]]:
    """Fields to set and to delete to apply `patch`, and the metadata errors of the result."""
    set_fields: dict[str, str] = {}
    delete_fields: list[str] = []
    for name in ("title", "description"):
        if name not in patch:
            continue
        if patch[name] is None:
            if name in current:
                delete_fields.append(name)
        elif patch[name] != current.get(name):
            set_fields[name] = patch[name]
    if "metadata" in patch:
        existing = current.get("metadata", "{}")
        merged = (
            {}
            if patch["metadata"] is None
            else merge_patch(loads(existing.encode()), patch["metadata"])
        )
        errors = metadata_errors(merged)
        if errors:
            return {}, [], errors
        text = dumps(merged).decode()
        if text != existing:
            set_fields["metadata"] = text
    return set_fields, delete_fields, []


@bp.patch("/<conversation>")
@guarded(WRITE)
def update_conversation(ctx: RequestContext, conversation: str) -> Response:
    patch = load(ctx, _update_schema, json_body(ctx))
    precondition = if_match()
    store = ctx.services.conversations
    for _ in range(_MAX_UPDATE_ATTEMPTS):
        current = store.read(ctx.charge, conversation)
        if current is None:
            charge_and_raise(ctx, NotFound())
        set_fields, delete_fields, errors = _changes(current, patch)
        if errors:
            charge_and_raise(ctx, ValidationFailed(details={"metadata": errors}))
        updated = store.update(
            ctx.charge, current, precondition, _now_ms(), set_fields, delete_fields
        )
        if updated is not None:
            return _conversation(updated)
    raise StorageUnavailable("The conversation is changing too fast to update; retry.")


@bp.delete("/<conversation>")
@guarded(ADMIN)
def delete_conversation(ctx: RequestContext, conversation: str) -> Response:
    refuse_oversized_body(ctx)
    ctx.services.conversations.delete(ctx.charge, conversation, if_match())
    return ok({"id": conversation, "object": "conversation", "deleted": True})


def _transition(ctx: RequestContext, conversation: str, action: str) -> Response:
    load(ctx, _empty_schema, json_body(ctx))
    stored = ctx.services.conversations.transition(
        ctx.charge, conversation, action, if_match(), _now_ms()
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
