"""An endpoint's webhook deliveries (docs/webhooks.md): the log, newest first, filtered by
status or event; one delivery; retry.

Like the endpoints' handlers: the store call takes the price, input that fails before it
is charged by `charge_and_raise`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from app.domain.cursors import WEBHOOK_DELIVERIES
from app.domain.webhooks import attempt_resource, delivery_resource
from app.openapi import webhook_tools, webhooks
from app.store.ids import parse_event_id
from app.store.pages import Page
from app.store.webhook_deliveries import StoredDelivery
from app.web.context import RequestContext
from app.web.envelope import ok
from app.web.inputs import json_body, load, refuse_oversized_body
from app.web.pagination import list_query, page_response, paginate
from app.web.routing import declared, route

bp = Blueprint("webhook_deliveries", __name__)

# The stream entry no event ever has (ids start at 1-0 or later): matches no delivery.
_NO_EVENT = "0-0"


@route(bp, webhooks.LIST_DELIVERIES)
def list_webhook_deliveries(ctx: RequestContext, endpoint_id: str) -> Response:
    def read(query: dict[str, Any], after: str | None) -> Page[StoredDelivery]:
        event_id = query.get("event_id")
        event_entry = None
        if event_id is not None:
            # Another account's event id names no entry of this account: it matches nothing.
            event_entry = parse_event_id(ctx.account, event_id) or _NO_EVENT
        store = ctx.services.webhook_deliveries
        return store.list_page(
            ctx.account, endpoint_id, after, query["limit"], ctx.charge, query.get("status"),
            event_entry,
        )  # fmt: skip

    def render(item: StoredDelivery) -> dict[str, Any]:
        return delivery_resource(ctx.account, item)

    scope = {"endpoint": endpoint_id}
    return paginate(ctx, declared(ctx).query_schema, WEBHOOK_DELIVERIES, read, render, scope)


@route(bp, webhook_tools.GET_DELIVERY)
def get_webhook_delivery(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    refuse_oversized_body(ctx)
    found = ctx.services.webhook_deliveries.get(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge
    )
    return ok(delivery_resource(ctx.account, found))


@route(bp, webhook_tools.LIST_ATTEMPTS)
def list_webhook_attempts(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    list_query(ctx, declared(ctx).query_schema)
    found = ctx.services.webhook_deliveries.attempts(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge
    )
    return page_response([attempt_resource(record) for record in found], False, None)


@route(bp, webhooks.RETRY_DELIVERY)
def retry_webhook_delivery(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    load(ctx, declared(ctx).body_schema, json_body(ctx))
    retried = ctx.services.webhook_deliveries.retry(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge, claim=ctx.claim
    )
    return ok(delivery_resource(ctx.account, retried))
