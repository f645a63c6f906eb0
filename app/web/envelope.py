"""The JSON envelope of every response (docs/errors.md) and the request id.

orjson renders responses; metadata is stored as compact JSON text and spliced in with
`orjson.Fragment`, so it is never re-parsed.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Response

from app.jsontext import dumps

JSON_MIMETYPE = "application/json"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def request_id(given: str | None) -> str:
    """The client's X-Request-Id when well formed, else a new `req_…`."""
    if given and _REQUEST_ID_RE.fullmatch(given):
        return given
    return "req_" + secrets.token_hex(12)


def json_response(status: int, payload: Any) -> Response:
    """Build a response with a JSON body."""
    return Response(dumps(payload), status=status, mimetype=JSON_MIMETYPE)


def ok(data: Any, status: int = 200) -> Response:
    """Wrap `data` in the success envelope."""
    return json_response(status, {"status": "ok", "data": data})


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None, request_id: str
) -> Response:
    """Render the error envelope; `details` only where there are some."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    error["request_id"] = request_id
    return json_response(status, {"status": "error", "error": error})
