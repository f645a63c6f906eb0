"""The webhook endpoints of SPEC.md §16: create, list, get, update, delete, rotate the secret.

As for conversations, the store call takes the request's price (a change in its own
script), and input that fails before it is charged by `charge_and_raise`.
"""

from __future__ import annotations

import time

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
from app.domain.webhooks import deleted_endpoint, endpoint_resource, url_errors
from app.errors import InvalidCursor, ValidationFailed
from app.schemas import EmptySchema
from app.vocabulary import ADMIN, WEBHOOK_ENDPOINTS_PATH
from app.webhook_schemas import (
    CreateWebhookEndpointSchema,
    UpdateWebhookEndpointSchema,
    WebhookListQuerySchema,
)

bp = Blueprint("webhook_endpoints", __name__, url_prefix=WEBHOOK_ENDPOINTS_PATH)

_create_schema = CreateWebhookEndpointSchema()
_update_schema = UpdateWebhookEndpointSchema()
_list_schema = WebhookListQuerySchema()
_empty_schema = EmptySchema()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _check_url(ctx: RequestContext, url: str | None) -> None:
    """422 with `details.url` when the URL may not be an endpoint's (SPEC.md §16)."""
    errors = url_errors(url, ctx.services.config.webhook_allow_private_targets)
    if errors:
        charge_and_raise(ctx, ValidationFailed(details=errors))


@bp.post("")
@guarded(ADMIN)
def create_webhook_endpoint(ctx: RequestContext) -> Response:
    data = load(ctx, _create_schema, json_body(ctx))
    _check_url(ctx, data["url"])
    made = ctx.services.webhook_endpoints.create(
        ctx.account,
        data["url"],
        data["enabled_events"],
        data["description"],
        _now_ms(),
        charge=ctx.charge,
    )
    return ok(endpoint_resource(made, with_secret=True), 201)


@bp.get("")
@guarded(ADMIN)
def list_webhook_endpoints(ctx: RequestContext) -> Response:
    refuse_oversized_body(ctx)
    query = load(ctx, _list_schema, single_valued(ctx, request.args))
    cursors = ctx.services.cursors()
    before = None
    if "cursor" in query:
        try:
            before = cursors.decode_webhook_endpoints(ctx.account, query["cursor"])
        except InvalidCursor as error:
            charge_and_raise(ctx, error)
    page = ctx.services.webhook_endpoints.list_page(
        ctx.account, before, query["limit"], charge=ctx.charge
    )
    next_cursor = None
    if page.has_more and page.last_seq is not None:
        next_cursor = cursors.encode_webhook_endpoints(ctx.account, page.last_seq)
    body = {
        "status": "ok",
        "data": [endpoint_resource(item) for item in page.items],
        "has_more": page.has_more,
        "next_cursor": next_cursor,
    }
    return json_response(200, body)


@bp.get("/<endpoint_id>")
@guarded(ADMIN)
def get_webhook_endpoint(ctx: RequestContext, endpoint_id: str) -> Response:
    refuse_oversized_body(ctx)
    stored = ctx.services.webhook_endpoints.get(ctx.account, endpoint_id, charge=ctx.charge)
    return ok(endpoint_resource(stored))


@bp.patch("/<endpoint_id>")
@guarded(ADMIN)
def update_webhook_endpoint(ctx: RequestContext, endpoint_id: str) -> Response:
    changes = load(ctx, _update_schema, json_body(ctx))
    _check_url(ctx, changes.get("url"))
    updated = ctx.services.webhook_endpoints.update(
        ctx.account, endpoint_id, changes, _now_ms(), charge=ctx.charge
    )
    return ok(endpoint_resource(updated))


@bp.delete("/<endpoint_id>")
@guarded(ADMIN)
def delete_webhook_endpoint(ctx: RequestContext, endpoint_id: str) -> Response:
    refuse_oversized_body(ctx)
    ctx.services.webhook_endpoints.delete(ctx.account, endpoint_id, charge=ctx.charge)
    return ok(deleted_endpoint(endpoint_id))


@bp.post("/<endpoint_id>/rotate_secret")
@guarded(ADMIN)
def rotate_webhook_secret(ctx: RequestContext, endpoint_id: str) -> Response:
    load(ctx, _empty_schema, json_body(ctx))
    rotated = ctx.services.webhook_endpoints.rotate_secret(
        ctx.account, endpoint_id, _now_ms(), charge=ctx.charge
    )
    return ok(endpoint_resource(rotated, with_secret=True))
