"""The live stream of the events feed (docs/stream.md): Server-Sent Events."""

from __future__ import annotations

import functools
import select
import socket
from typing import Any

from flask import Blueprint, Response, request

from app.domain.live import Pricing, StreamFilter, follow
from app.openapi import event_stream as declare
from app.store.ids import parse_event_id
from app.store.keys import digest
from app.vocabulary import READ
from app.web.auth import accepted_scopes, bearer_secret
from app.web.context import RequestContext
from app.web.pagination import list_query
from app.web.routing import declared, route

bp = Blueprint("event_stream", __name__)

# No proxy may cache or buffer the stream (`X-Accel-Buffering` is nginx's switch).
_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@route(bp, declare.STREAM)
def stream_events(ctx: RequestContext) -> Response:
    query = list_query(ctx, declared(ctx).query_schema)
    # The browser's reconnect carries the newer position; `after` stays in its URL.
    after = request.headers.get("Last-Event-ID") or query.get("after")
    position = None if after is None else parse_event_id(ctx.account, after) or "-"
    services = ctx.services
    secret_digest = digest(bearer_secret(request.headers.get("Authorization")))
    stream = services.streams.open(
        ctx.charge, secret_digest, position, services.config.stream_max_per_key
    )
    wanted = StreamFilter(query.get("type"), query.get("conversation_id"))
    pricing = Pricing(ctx.charge.cost, accepted_scopes(READ), ctx.request_id)
    gone = functools.partial(_closed, _client_socket())
    body = follow(services.stream_hub(), services.streams, stream, wanted, pricing, gone)
    return Response(body, mimetype="text/event-stream", headers=_HEADERS)


def _client_socket() -> Any:
    """The client's socket, as gunicorn and werkzeug's server put it in the environ."""
    return request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")


def _closed(sock: Any) -> bool:
    """Whether the client closed its end (a quiet stream would learn it at its next write)."""
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True
