"""Building blocks of the OpenAPI document: headers, parameters, envelopes, errors, examples.

Which headers and error codes each response carries follows SPEC.md §2-§10: rate-limit
headers once the rate-limit step passed, `X-Tokens-Remaining` once the token step ran
(an idempotent replay skips it), `Retry-After` on every 429 and 503.
"""

from __future__ import annotations

from typing import Any

from app.store.ids import ID_RE
from app.vocabulary import ADMIN, RATE_LIMIT_HEADERS, READ, WRITE

SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "sk_live_ followed by 40 or more characters of [A-Za-z0-9]",
    "description": "An API key: `Authorization: Bearer sk_live_...`. Scopes form a ladder: "
    f"`{ADMIN}` includes `{WRITE}`, which includes `{READ}`.",
}

# The shape of every id the service issues (tests/test_openapi.py checks a real one).
CONVERSATION_ID_PATTERN = ID_RE.pattern
EXAMPLE_ID = "conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE"
EXAMPLE_CONVERSATION = {
    "id": EXAMPLE_ID,
    "object": "conversation",
    "type": "group",
    "status": "open",
    "title": "Support",
    "description": None,
    "metadata": {"tier": "gold"},
    "version": 1,
    "created_at": "2026-11-25T12:00:00.123Z",
    "updated_at": "2026-11-25T12:00:00.123Z",
    "closed_at": None,
    "archived_at": None,
}


def _header(description: str, schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {"description": description, "schema": schema, "example": example}


HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": _header(
        "The client's own X-Request-Id when it sent 1-128 characters of [A-Za-z0-9._-], "
        "else a generated `req_...`.",
        {"type": "string", "minLength": 1, "maxLength": 128},
        "req_5f2b8c0d9e1a4b7c6d3e2f10",
    ),
    "X-Tokens-Remaining": _header(
        "The account's token balance after this request.",
        {"type": "integer", "minimum": 0},
        998,
    ),
    "X-RateLimit-Limit": _header(
        "Requests allowed per window for this API key.", {"type": "integer", "minimum": 0}, 100
    ),
    "X-RateLimit-Remaining": _header(
        "Requests left in the current window.", {"type": "integer", "minimum": 0}, 99
    ),
    "X-RateLimit-Reset": _header(
        "When the current window ends, in epoch seconds.",
        {"type": "integer", "minimum": 0},
        1795000000,
    ),
    "Retry-After": _header(
        "Whole seconds to wait before retrying.", {"type": "integer", "minimum": 0}, 1
    ),
    "ETag": _header(
        'The conversation\'s version as a strong entity tag, e.g. `"3"`.',
        {"type": "string", "pattern": '^"[1-9][0-9]*"$'},
        '"1"',
    ),
    "Idempotent-Replayed": _header(
        "`true` when this is the stored answer to an earlier request with the same "
        "Idempotency-Key (such a replay costs no tokens and has no X-Tokens-Remaining).",
        {"type": "string", "enum": ["true"]},
        "true",
    ),
    "WWW-Authenticate": _header(
        "The authentication scheme to use.", {"type": "string"}, 'Bearer realm="saasignal"'
    ),
}
_RATE = RATE_LIMIT_HEADERS


def headers(required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The headers of a response; X-Request-Id is on every response."""
    found: dict[str, Any] = {}
    for name in ("X-Request-Id", *required):
        found[name] = {**HEADERS[name], "required": True}
    for name in optional:
        found[name] = {**HEADERS[name], "required": False}
    return found


PARAMETERS: dict[str, dict[str, Any]] = {
    "ConversationId": {
        "name": "conversation_id",
        "in": "path",
        "required": True,
        "description": "The conversation's id. An id of any other shape is simply not found "
        "(404), never a 422.",
        "schema": {"type": "string", "pattern": CONVERSATION_ID_PATTERN},
        "example": EXAMPLE_ID,
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Makes a POST safe to retry: a repeat with the same key, method, path "
        "and body gets the stored answer again (with `Idempotent-Replayed: true`); the same "
        "key with another method, path or body is 422 `idempotency_key_reused`; while the "
        "first is running, 409 `idempotency_in_progress`. Kept per account for "
        "IDEMPOTENCY_TTL_SECONDS (default 86400). A malformed key is 422 `validation_error`.",
        "schema": {"type": "string", "pattern": r"^[\x20-\x7e]{1,255}$"},
        "example": "retry-7f3c2a",
    },
    "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": 'One or more strong entity tags (`"3"`, `"3", "4"`) or `*`. When none '
        "matches the current version: 412 `precondition_failed`, and nothing changes. A weak "
        "tag (`W/...`) never matches.",
        "schema": {"type": "string"},
        "example": '"1"',
    },
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "Entity tags compared weakly, or `*`: a match gives 304 with no body.",
        "schema": {"type": "string"},
        "example": '"1"',
    },
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The error envelope of every failed request.",
    "required": ["status", "error"],
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "error": {
            "type": "object",
            "required": ["code", "message", "request_id"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable code."},
                "message": {"type": "string", "description": "A human-readable sentence."},
                "details": {
                    "type": "object",
                    "description": "Per code: field → messages (422), `required`/`balance` "
                    "(402), `required` (403), `status` (409), `etag` (412).",
                },
                "request_id": {"type": "string"},
            },
        },
    },
}

# status → (description, the codes it may carry, example details)
ERRORS: dict[int, tuple[str, tuple[str, ...], dict[str, Any] | None]] = {
    400: ("The body is not JSON, or not a JSON object.", ("invalid_json", "bad_request"), None),
    401: ("The API key is missing, malformed, unknown or revoked.", ("unauthorized",), None),
    402: (
        "The account's token balance is below the price of the request; nothing changed.",
        ("insufficient_tokens",),
        {"required": 2, "balance": 1},
    ),
    403: (
        "The API key lacks the scope the operation requires.",
        ("insufficient_scope",),
        {"required": WRITE},
    ),
    404: ("No such conversation for this account.", ("not_found",), None),
    409: (
        "A lifecycle move not allowed from the current status, or the first request with "
        "this Idempotency-Key is still running.",
        ("invalid_transition", "idempotency_in_progress"),
        {"status": "archived"},
    ),
    412: (
        "If-Match does not match the current version; `details.etag` is the current tag.",
        ("precondition_failed",),
        {"etag": '"2"'},
    ),
    413: ("The body is over MAX_BODY_BYTES (default 65536).", ("payload_too_large",), None),
    415: (
        "A non-empty body whose Content-Type is not JSON (`application/json` or "
        "`application/*+json`, UTF-8).",
        ("unsupported_media_type",),
        None,
    ),
    422: (
        "Invalid fields in the body or query (`details`: field → messages), a cursor that is "
        "malformed, altered or from another filter, or a reused Idempotency-Key.",
        ("validation_error", "invalid_cursor", "idempotency_key_reused"),
        {"title": ["Longer than maximum length 256."]},
    ),
    429: (
        "Too many requests for this API key (or too many failed authentications from this "
        "address); retry after `Retry-After` seconds.",
        ("rate_limited",),
        None,
    ),
    503: ("The storage backend is unreachable; retry shortly.", ("service_unavailable",), None),
}

# The headers each error carries, by how far the request got (SPEC.md §3-§4).
_ERROR_HEADERS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    401: (("WWW-Authenticate",), ()),
    402: (("X-Tokens-Remaining", *_RATE), ()),
    403: ((), ()),
    409: ((), ("X-Tokens-Remaining", *_RATE)),
    412: (("ETag",), ("X-Tokens-Remaining", *_RATE)),
    422: ((), ("X-Tokens-Remaining", *_RATE)),
    429: (("Retry-After",), _RATE),
    503: (("Retry-After",), ("X-Tokens-Remaining", *_RATE)),
}


def error_response(status: int, codes: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The response object of an error status, narrowed to the codes the operation can give."""
    description, all_codes, details = ERRORS[status]
    codes = codes or all_codes
    required, optional = _ERROR_HEADERS.get(status, ((), ("X-Tokens-Remaining", *_RATE)))
    error: dict[str, Any] = {"code": codes[0], "message": description}
    if details is not None and codes[0] in _DETAILED:
        error["details"] = details
    error["request_id"] = "req_5f2b8c0d9e1a4b7c6d3e2f10"
    schema = {
        "allOf": [
            {"$ref": "#/components/schemas/Error"},
            {"properties": {"error": {"properties": {"code": {"enum": list(codes)}}}}},
        ]
    }
    return {
        "description": f"`{'`, `'.join(codes)}`: {description}",
        "headers": headers(required, optional),
        "content": {
            "application/json": {
                "schema": schema,
                "example": {"status": "error", "error": error},
            }
        },
    }


_DETAILED = {
    "insufficient_tokens",
    "insufficient_scope",
    "invalid_transition",
    "precondition_failed",
    "validation_error",
}
