"""The JSON envelope of every response (SPEC.md §5), the request id, and JSON parsing.

orjson renders responses (several times faster than the standard library); metadata is
stored as compact JSON text and spliced in with `orjson.Fragment`, so it is never re-parsed.
Request bodies are parsed so that every number stays exact (see `loads`).
"""

from __future__ import annotations

import json
import math
import re
import secrets
from typing import Any

import orjson
from flask import Response, g, request

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
# 19 digits can exceed a signed 64-bit integer; orjson would read such a number as a float.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
JSON_MIMETYPE = "application/json"


def assign_request_id() -> None:
    """Take the client's X-Request-Id when well formed, else make one (before_request)."""
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if _REQUEST_ID_RE.fullmatch(given) else "req_" + secrets.token_hex(12)


def stamp_request_id(response: Response) -> Response:
    """Echo the request id on every response (after_request)."""
    response.headers["X-Request-Id"] = g.get("request_id") or "req_" + secrets.token_hex(12)
    return response


def dumps(value: Any) -> bytes:
    """Serialize to compact UTF-8 JSON; integers beyond 64 bits fall back to the stdlib."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(status: int, payload: Any) -> Response:
    """Build a response with a JSON body."""
    return Response(dumps(payload), status=status, mimetype=JSON_MIMETYPE)


def ok(data: Any, status: int = 200) -> Response:
    """Wrap `data` in the success envelope."""
    return json_response(status, {"status": "ok", "data": data})


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    """Render the error envelope; `details` only where there are some."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    error["request_id"] = g.get("request_id") or "req_" + secrets.token_hex(12)
    return json_response(status, {"status": "error", "error": error})


class NotJson(ValueError):
    """The bytes are not a JSON document this service can represent."""


class TooDeep(NotJson):
    """The JSON nests deeper than the parsers go (RFC 8259 §9 lets a parser set that limit)."""


def _reject_constant(name: str) -> Any:
    raise NotJson(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotJson(f"{text} is beyond the range of a double")
    return value


def loads(body: bytes) -> Any:
    """Parse JSON exactly and strictly: valid UTF-8, no NaN/Infinity, no lone surrogates.

    orjson parses (fast, and nesting up to 1024 levels), except where it would change a
    value: it reads integers beyond 64 bits as floats, dropping digits. A body with a digit
    run that long, or one orjson refuses, is parsed by the standard library, which keeps
    integers exact; out-of-range floats (1e400) and NaN/Infinity are refused by both.
    """
    if not _LONG_DIGITS.search(body):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(
            body.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite
        )
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        # orjson stops at 1024 levels, the standard library near its recursion limit.
        raise TooDeep(
            "The request body nests deeper than this service parses (about 1000 levels; "
            "metadata may nest 8)."
        ) from None
    except (ValueError, UnicodeError) as exc:
        raise NotJson(str(exc)) from None
    return value
