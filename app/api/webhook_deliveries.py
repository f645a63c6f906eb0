"""An endpoint's webhook deliveries (SPEC.md §16): the log, newest first, and retry.

Like the endpoints' handlers: the store call takes the price, input that fails before it
is charged by `charge_and_raise`.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from app.api.envelope import json_response, ok
from app.api.guard import RequestContext, guarded
from app.api.requests import (
    charge_and_raise,
    json_body,
    load,
    refuse_oversized_body,
    single_valued,
)
from app.domain.webhooks import delivery_resource
from app.errors import InvalidCursor
from app.schemas import EmptySchema
from app.vocabulary import ADMIN, WEBHOOK_ENDPOINTS_PATH
from app.webhook_schemas import WebhookListQuerySchema

bp = Blueprint(
    "webhook_deliveries",
    __name__,
    url_prefix=WEBHOOK_ENDPOINTS_PATH + "/<endpoint_id>/deliveries",
)

_list_schema = WebhookListQuerySchema()
_empty_schema = EmptySchema()


@bp.get("")
@guarded(ADMIN)
def list_webhook_deliveries(ctx: RequestContext, endpoint_id: str) -> Response:
    refuse_oversized_body(ctx)
    query = load(ctx, _list_schema, single_valued(ctx, request.args))
    cursors = ctx.services.cursors()
    before = None
    if "cursor" in query:
        try:
            before = cursors.decode_webhook_deliveries(ctx.account, query["cursor"], endpoint_id)
        except InvalidCursor as error:
            charge_and_raise(ctx, error)
    deliveries = ctx.services.webhook_deliveries
    page = deliveries.list_page(ctx.account, endpoint_id, before, query["limit"], charge=ctx.charge)
    next_cursor = None
    if page.has_more and page.last_id is not None:
        next_cursor = cursors.encode_webhook_deliveries(ctx.account, endpoint_id, page.last_id)
    body = {
        "status": "ok",
        "data": [delivery_resource(ctx.account, item) for item in page.items],
        "has_more": page.has_more,
        "next_cursor": next_cursor,
    }
    return json_response(200, body)


@bp.post("/<delivery_id>/retry")
@guarded(ADMIN)
def retry_webhook_delivery(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    load(ctx, _empty_schema, json_body(ctx))
    retried = ctx.services.webhook_deliveries.retry(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge
    )
    return ok(delivery_resource(ctx.account, retried))
