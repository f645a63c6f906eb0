"""Operational endpoints: no authentication, no tokens, no rate limit (app/openapi/ops.py)."""

from __future__ import annotations

from flask import Blueprint, Response

from app.errors import StorageUnavailable
from app.openapi import ops as declare
from app.web.context import RequestContext
from app.web.envelope import ok
from app.web.routing import route

bp = Blueprint("ops", __name__)

# What the root answers: where the reference is (docs/index.md).
ROOT = {
    "object": "service",
    "name": "SaaSignal Conversations",
    "docs": "/docs",
    "openapi": "/openapi.json",
    "api": "/modules/messaging",
    "message": "The API reference is at /docs (browsable) and /openapi.json (OpenAPI 3.1).",
}


@route(bp, declare.ROOT)
def root(ctx: RequestContext) -> Response:
    """200 with where the reference is: a pointer for whoever opens the bare address."""
    return ok(ROOT)


@route(bp, declare.HEALTHZ)
def healthz(ctx: RequestContext) -> Response:
    """200 while the process serves."""
    return ok({"healthy": True})


@route(bp, declare.READYZ)
def readyz(ctx: RequestContext) -> Response:
    """200 when storage answers, 503 otherwise."""
    if not ctx.services.storage_answers():
        raise StorageUnavailable("readyz: the storage does not answer")
    return ok({"ready": True})
