"""One way to list (docs/conversations.md): read the query, place the cursor, read a page, render
it.

Every list handler is `paginate(ctx, schema, kind, read, render)`: the query's parameters
other than `limit` and `cursor` are the filter a cursor is bound to (plus `scope`, what the
path names, such as a webhook endpoint); `read(query, after)` returns the store's `Page`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Response, request
from marshmallow import Schema

from app.domain.cursors import CursorKind
from app.errors import InvalidCursor, ValidationFailed
from app.store.pages import Page
from app.web.context import RequestContext
from app.web.envelope import json_response
from app.web.inputs import charge_and_raise, load, refuse_oversized_body, single_valued

Item = TypeVar("Item")
PAGE_FIELDS = ("limit", "cursor")


def list_query(ctx: RequestContext, schema: Schema) -> dict[str, Any]:
    """A list's query, validated (docs/conversations.md): 413 / 422 after charging."""
    refuse_oversized_body(ctx)
    try:
        return load(ctx, schema, single_valued(ctx, request.args))
    except ValidationFailed as error:
        # marshmallow's words are a body's: in a query string an unknown name is a parameter.
        details = error.details or {}
        for name, messages in details.items():
            if isinstance(messages, list):
                details[name] = [_UNKNOWN.get(m, m) for m in messages]
        raise


_UNKNOWN = {"Unknown field.": "Unknown parameter."}


def cursor_position(
    ctx: RequestContext, query: Mapping[str, Any], decode: Callable[[str], Any]
) -> Any:
    """Where the query's cursor continues (None without one); 422 after charging."""
    if "cursor" not in query:
        return None
    try:
        return decode(query["cursor"])
    except InvalidCursor as error:
        charge_and_raise(ctx, error)


def page_response(data: list[Any], has_more: bool, next_cursor: str | None) -> Response:
    """A list page in the success envelope (docs/conversations.md)."""
    body = {"status": "ok", "data": data, "has_more": has_more, "next_cursor": next_cursor}
    return json_response(200, body)


def paginate(
    ctx: RequestContext,
    schema: Schema,
    kind: CursorKind,
    read: Callable[[dict[str, Any], Any], Page[Item]],
    render: Callable[[Item], Any],
    scope: Mapping[str, Any] | None = None,
) -> Response:
    """The page a list request asks for, with the cursor that continues it."""
    query = list_query(ctx, schema)
    bound = {name: value for name, value in query.items() if name not in PAGE_FIELDS}
    bound.update(scope or {})
    cursors = ctx.services.cursors()
    after = cursor_position(
        ctx, query, lambda cursor: cursors.decode(kind, ctx.account, cursor, bound)
    )
    page = read(query, after)
    next_cursor = None
    if page.has_more and page.last is not None:
        next_cursor = cursors.encode(kind, ctx.account, bound, page.last)
    return page_response([render(item) for item in page.items], page.has_more, next_cursor)
