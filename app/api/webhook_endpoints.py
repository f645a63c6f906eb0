"""The webhook endpoints of docs/webhooks.md: create, list, get, update, delete, rotate the secret.

As for conversations, the store call takes the request's price (a change in its own
script), and input that fails before it is charged by `charge_and_raise`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from app.domain.cursors import WEBHOOK_ENDPOINTS
from app.domain.webhooks import deleted_endpoint, endpoint_resource, url_errors
from app.errors import ValidationFailed
from app.openapi import webhooks as declare
from app.store.pages import Page
from app.store.webhook_endpoints import StoredEndpoint
from app.web.context import RequestContext
from app.web.envelope import ok
from app.web.inputs import (
    charge_and_raise,
    json_body,
    load,
    now_ms,
    refuse_oversized_body,
)
from app.web.pagination import paginate
from app.web.routing import declared, route
from app.webhooks.addresses import names_a_host
from app.webhooks.lookups import bounded_resolver

bp = Blueprint("webhook_endpoints", __name__)


def _check_url(ctx: RequestContext, url: str | None) -> None:
    """422 with `details.url` when the URL may not be an endpoint's (docs/webhooks.md)."""
    config = ctx.services.config
    if url is not None and names_a_host(url, config.webhook_allow_private_targets):
        # The request's checks come before any name server is asked: a refused key, scope,
        # limit or balance resolves nothing (docs/webhooks.md). Its price is taken here.
        ctx.services.tokens.debit(ctx.charge)
    # A name server that does not answer within the bound: accepted like a name that does
    # not resolve (checked again before every attempt); no request waits longer on it.
    resolver = bounded_resolver(config.webhook_dns_timeout_seconds, account=ctx.account)
    errors = url_errors(url, config.webhook_allow_private_targets, resolver)
    if errors:
        charge_and_raise(ctx, ValidationFailed(details=errors))


@route(bp, declare.CREATE)
def create_webhook_endpoint(ctx: RequestContext) -> Response:
    data = load(ctx, declared(ctx).body_schema, json_body(ctx))
    _check_url(ctx, data["url"])
    made = ctx.services.webhook_endpoints.create(
        ctx.account,
        data["url"],
        data["enabled_events"],
        data["description"],
        now_ms(),
        charge=ctx.charge,
        claim=ctx.claim,
    )
    return ok(endpoint_resource(made, with_secret=True), 201)


@route(bp, declare.LIST)
def list_webhook_endpoints(ctx: RequestContext) -> Response:
    def read(query: dict[str, Any], after: int | None) -> Page[StoredEndpoint]:
        store = ctx.services.webhook_endpoints
        return store.list_page(ctx.account, after, query["limit"], charge=ctx.charge)

    return paginate(ctx, declared(ctx).query_schema, WEBHOOK_ENDPOINTS, read, endpoint_resource)


@route(bp, declare.GET)
def get_webhook_endpoint(ctx: RequestContext, endpoint_id: str) -> Response:
    refuse_oversized_body(ctx)
    stored = ctx.services.webhook_endpoints.get(ctx.account, endpoint_id, charge=ctx.charge)
    return ok(endpoint_resource(stored))


@route(bp, declare.UPDATE)
def update_webhook_endpoint(ctx: RequestContext, endpoint_id: str) -> Response:
    changes = load(ctx, declared(ctx).body_schema, json_body(ctx))
    _check_url(ctx, changes.get("url"))
    updated = ctx.services.webhook_endpoints.update(
        ctx.account, endpoint_id, changes, now_ms(), charge=ctx.charge
    )
    return ok(endpoint_resource(updated))


@route(bp, declare.DELETE)
def delete_webhook_endpoint(ctx: RequestContext, endpoint_id: str) -> Response:
    refuse_oversized_body(ctx)
    ctx.services.webhook_endpoints.delete(ctx.account, endpoint_id, charge=ctx.charge)
    return ok(deleted_endpoint(endpoint_id))


@route(bp, declare.ROTATE_SECRET)
def rotate_webhook_secret(ctx: RequestContext, endpoint_id: str) -> Response:
    load(ctx, declared(ctx).body_schema, json_body(ctx))
    rotated = ctx.services.webhook_endpoints.rotate_secret(
        ctx.account, endpoint_id, now_ms(), charge=ctx.charge, claim=ctx.claim
    )
    return ok(endpoint_resource(rotated, with_secret=True))
