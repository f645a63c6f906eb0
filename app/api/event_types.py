"""The catalog of event types (docs/webhooks.md): one page, every type a receiver may be sent."""

from __future__ import annotations

from flask import Blueprint, Response

from app.domain.event_types import event_type_resources
from app.openapi import event_types as declare
from app.web.context import RequestContext
from app.web.pagination import list_query, page_response
from app.web.routing import declared, route

bp = Blueprint("event_types", __name__)


@route(bp, declare.LIST)
def list_event_types(ctx: RequestContext) -> Response:
    list_query(ctx, declared(ctx).query_schema)
    ctx.services.tokens.debit(ctx.charge)
    return page_response(event_type_resources(), False, None)
