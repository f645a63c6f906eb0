"""An endpoint's webhook deliveries (SPEC.md §16): the log, newest first, and retry.

Like the endpoints' handlers: the store call takes the price, input that fails before it
is charged by `charge_and_raise`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from app.domain.cursors import WEBHOOK_DELIVERIES
from app.domain.webhooks import delivery_resource
from app.schemas.common import EmptySchema
from app.schemas.webhooks import WebhookListQuerySchema
from app.store.pages import Page
from app.store.webhook_deliveries import StoredDelivery
from app.vocabulary import ADMIN, WEBHOOK_ENDPOINTS_PATH
from app.web.context import RequestContext
from app.web.envelope import ok
from app.web.guard import guarded
from app.web.inputs import json_body, load
from app.web.pagination import paginate

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
    def read(query: dict[str, Any], after: str | None) -> Page[StoredDelivery]:
        store = ctx.services.webhook_deliveries
        return store.list_page(ctx.account, endpoint_id, after, query["limit"], charge=ctx.charge)

    def render(item: StoredDelivery) -> dict[str, Any]:
        return delivery_resource(ctx.account, item)

    scope = {"endpoint": endpoint_id}
    return paginate(ctx, _list_schema, WEBHOOK_DELIVERIES, read, render, scope)


@bp.post("/<delivery_id>/retry")
@guarded(ADMIN)
def retry_webhook_delivery(ctx: RequestContext, endpoint_id: str, delivery_id: str) -> Response:
    load(ctx, _empty_schema, json_body(ctx))
    retried = ctx.services.webhook_deliveries.retry(
        ctx.account, endpoint_id, delivery_id, charge=ctx.charge
    )
    return ok(delivery_resource(ctx.account, retried))
