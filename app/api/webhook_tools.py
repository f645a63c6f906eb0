"""The webhook tools of docs/webhooks.md that act: send an endpoint a test event, and recover
the events it missed. Like the endpoints' handlers: the store call takes the price, input
that fails before it is charged by `charge_and_raise`."""

from __future__ import annotations

from datetime import datetime

import orjson
from flask import Blueprint, Response

from app.domain.webhooks import delivery_resource, endpoint_resource
from app.errors import NotFound
from app.openapi import webhook_tools as declare
from app.web.context import RequestContext
from app.web.envelope import JSON_MIMETYPE, ok
from app.web.inputs import charge_and_raise, json_body, load, now_ms
from app.web.routing import declared, route

bp = Blueprint("webhook_tools", __name__)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@route(bp, declare.SEND_TEST)
def send_webhook_test(ctx: RequestContext, endpoint_id: str) -> Response:
    load(ctx, declared(ctx).body_schema, json_body(ctx))
    try:
        # Charged (and so admitted) before it reads: a refused request reads nothing.
        endpoint = ctx.services.webhook_endpoints.get(ctx.account, endpoint_id, ctx.charge)
    except NotFound as error:
        charge_and_raise(ctx, error)
    snapshot = orjson.dumps(endpoint_resource(endpoint))  # never its secret
    delivery = ctx.services.webhook_tools.send_test(
        ctx.account, endpoint_id, snapshot, ctx.origin(), charge=ctx.charge
    )
    return ok(delivery_resource(ctx.account, delivery))


@route(bp, declare.RECOVER)
def recover_webhook_events(ctx: RequestContext, endpoint_id: str) -> Response:
    data = load(ctx, declared(ctx).body_schema, json_body(ctx))
    until = _ms(data["until"]) if "until" in data else now_ms()
    body = ctx.services.webhook_tools.recover(
        ctx.account, endpoint_id, _ms(data["since"]), until, ctx.origin(), charge=ctx.charge
    )
    # The script wrote this body, and recorded it under the Idempotency-Key, in one step.
    return Response(body, status=200, mimetype=JSON_MIMETYPE)
