"""The operational endpoints, declared like the others but public and not in the document:
no API key, no tokens, no rate limit (docs/operations.md)."""

from __future__ import annotations

from app.errors import StorageUnavailable
from app.openapi.declare import Operation, Resource

ROOT = Operation(
    "get",
    "/",
    "root",
    scope=None,
    tag="Operations",
    summary="Where the reference is",
    description="200 with the addresses of /docs and /openapi.json.",
    success={},
    errors=(),
)
HEALTHZ = Operation(
    "get",
    "/healthz",
    "healthz",
    scope=None,
    tag="Operations",
    summary="Liveness",
    description="200 while the process serves.",
    success={},
    errors=(),
)
READYZ = Operation(
    "get",
    "/readyz",
    "readyz",
    scope=None,
    tag="Operations",
    summary="Readiness",
    description="200 when storage answers, 503 otherwise.",
    success={},
    errors=((StorageUnavailable,),),
)
RESOURCE = Resource("app.api.ops", (ROOT, HEALTHZ, READYZ), documented=False)
