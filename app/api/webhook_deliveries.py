"""An endpoint's webhook deliveries (SPEC.md §16, §19): the log, newest first, filtered by
status or event; one delivery; retry.

Like the endpoints' handlers: the store call takes the price, input that fails before it
is charged by `charge_and_raise`.
"""

from __future__ import annotations

from flask import Blueprint, Response

from app.domain.webhooks import attempt_resource, delivery_resource
from app.schemas.common import EmptySchema
from app.schemas.webhooks import WebhookAttemptListQuerySchema, WebhookDeliveryListQuerySchema
from app.store.ids import parse_event_id
from app.vocabulary import ADMIN, WEBHOOK_ENDPOINTS_PATH
from app.web.envelope import ok, page_response
from app.web.guard import RequestContext, guarded
from app.web.inputs import (
    cursor_position,
    json_body,
    list_query,
    load,
    refuse_oversized_body,
)

bp = Blueprint(
    "webhook_deliveries",
    __name__,
    url_prefix=WEBHOOK_ENDPOINTS_PATH + "/<endpoint_id>/deliveries",
)

_list_schema = WebhookDeliveryListQuerySchema()
# The stream entry no event ever has (ids start at 1-0 or later): matches no delivery.
_NO_EVENT = "0-0"
_empty_schema = EmptySchema()
_attempts_schema = WebhookAttemptListQuerySchema()


@bp.get("")
@guarded(ADMIN)
def list_webhook_deliveries(ctx: RequestContext, endpoint_id: str) -> Response:
    query = list_query(ctx, _list_schema)
    status, event_id = query.get("status"), query.get("event_id")
    cursors = ctx.services.cursors()
    before = cursor_position(
        ctx,
        query,
        lambda cursor: cursors.decode_webhook_deliveries(
            ctx.account, cursor, endpoint_id, status, event_id
        ),
    )
    event_entry = None
    if event_id is not None:
        # Another account's event id names no entry of this account: it matches nothing.
        event_entry = parse_event_id(ctx.account, event_id) or _NO_EVENT
    page = ctx.services.webhook_deliveries.list_page(
        ctx.account, endpoint_id, before, query["limit"], ctx.charge, status, event_entry
    )
    next_cursor = None
    if page.has_more and page.last_id is not None:
        next_cursor = cursors.encode_webhook_deliveries(
            ctx.account, endpoint_id, page.last_id, status, event_id
        )
    return page_response(
        [delivery_resource(ctx.account, item) for item in page.items], page.has_more, next_cursor
    )


@bp.get("/<delivery_id>")
@guarded(ADMIN)
def get_webhook_delivery(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    refuse_oversized_body(ctx)
    found = ctx.services.webhook_deliveries.get(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge
    )
    return ok(delivery_resource(ctx.account, found))


@bp.get("/<delivery_id>/attempts")
@guarded(ADMIN)
def list_webhook_attempts(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    list_query(ctx, _attempts_schema)
    found = ctx.services.webhook_deliveries.attempts(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge
    )
    return page_response([attempt_resource(record) for record in found], False, None)


@bp.post("/<delivery_id>/retry")
@guarded(ADMIN)
def retry_webhook_delivery(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    load(ctx, _empty_schema, json_body(ctx))
    retried = ctx.services.webhook_deliveries.retry(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge, claim=ctx.claim
    )
    return ok(delivery_resource(ctx.account, retried))
