"""Building blocks of the OpenAPI document: the security scheme, headers, parameters, examples.

Which headers each response carries follows docs/api-keys.md, docs/errors.md,
docs/conversations.md: rate-limit headers once the
rate-limit step passed, `X-Tokens-Remaining` once the token step ran (an idempotent replay
skips it), `Retry-After` on every 429 and 503.
"""

from __future__ import annotations

from typing import Any

from app.openapi.components import ref
from app.store.ids import EVENT_ID_RE, ID_RE
from app.store.webhook_deliveries import DELIVERY_ID_RE
from app.store.webhook_endpoints import ENDPOINT_ID_RE
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
EXAMPLE_EVENT_ID = "evt_01M8BVM4KV0000R6V8B0CE"
EXAMPLE_ENDPOINT_ID = "we_4Jq2Zt7XbP9kLm3Qw8Rv5Ny1"
EXAMPLE_DELIVERY_ID = "whd_1795000000123000000_4Jq2Zt7XbP9kLm3Qw8Rv5Ny1"
Responses = dict[int | str, Any]
"""An operation's responses by status (`"default"` for any other)."""

EXAMPLE_REQUEST_ID = "req_5f2b8c0d9e1a4b7c6d3e2f10"
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
        EXAMPLE_REQUEST_ID,
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
        'The `version` of the object in the body as a strong entity tag: version 3 is `"3"`. '
        "Send it back as If-Match (write only that version) or If-None-Match (304 while "
        "unchanged).",
        {"type": "string", "pattern": '^"[1-9][0-9]*"$'},
        '"1"',
    ),
    "Idempotent-Replayed": _header(
        "`true` when this is the stored answer to an earlier request with the same "
        "Idempotency-Key (such a replay costs no tokens and has no X-Tokens-Remaining).",
        {"type": "string", "const": "true"},
        "true",
    ),
    "WWW-Authenticate": _header(
        "The authentication scheme to use.", {"type": "string"}, 'Bearer realm="saasignal"'
    ),
}


OPTIONAL = "-Optional"
"""The suffix of a header component that a response may leave out (`ETag-Optional`)."""
HEADER_COMPONENTS: dict[str, dict[str, Any]] = {
    f"{name}{suffix}": {**header, "required": not suffix}
    for name, header in HEADERS.items()
    for suffix in ("", OPTIONAL)
}
"""Each header twice: required (under its own name) and optional; responses refer to them."""


def _header_ref(component: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{component}"}


def headers(required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The headers of a response, by reference; X-Request-Id is on every response."""
    found: dict[str, Any] = {}
    for name in ("X-Request-Id", *required):
        found[name] = _header_ref(name)
    for name in optional:
        found[name] = _header_ref(name + OPTIONAL)
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
    "EventId": {
        "name": "event_id",
        "in": "path",
        "required": True,
        "description": "The event's id. An id of any other shape, another account's, or one "
        "past EVENT_RETENTION_DAYS is simply not found (404), never a 422.",
        "schema": {"type": "string", "pattern": EVENT_ID_RE.pattern},
        "example": EXAMPLE_EVENT_ID,
    },
    "WebhookEndpointId": {
        "name": "endpoint_id",
        "in": "path",
        "required": True,
        "description": "The webhook endpoint's id. An id of any other shape, or another "
        "account's, is simply not found (404), never a 422.",
        "schema": {"type": "string", "pattern": ENDPOINT_ID_RE.pattern},
        "example": EXAMPLE_ENDPOINT_ID,
    },
    "WebhookDeliveryId": {
        "name": "delivery_id",
        "in": "path",
        "required": True,
        "description": "The delivery's id, one of this endpoint's. An id of any other shape, "
        "or another endpoint's, is simply not found (404), never a 422.",
        "schema": {"type": "string", "pattern": DELIVERY_ID_RE.pattern},
        "example": EXAMPLE_DELIVERY_ID,
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


def parameter(name: str) -> str:
    """A reference to one of PARAMETERS (apispec turns the name into a `$ref`)."""
    if name not in PARAMETERS:
        raise KeyError(name)
    return name


def success(
    status: int,
    description: str,
    schema: str,
    example: Any,
    required: tuple[str, ...] = (),
    replayable: bool = False,
) -> Responses:
    """A 2xx response: the envelope component `schema`, an example and the headers.

    Rate-limit headers are always there; `X-Tokens-Remaining` too, except on an idempotent
    replay (`replayable`: the response may then carry `Idempotent-Replayed` instead).
    """
    optional: tuple[str, ...] = ("Idempotent-Replayed",) if replayable else ()
    tokens = ("X-Tokens-Remaining",)
    always = (*RATE_LIMIT_HEADERS, *required, *(() if replayable else tokens))
    return {
        status: {
            "description": description,
            "headers": headers(always, (*(tokens if replayable else ()), *optional)),
            "content": {"application/json": {"schema": ref(schema), "example": example}},
        }
    }


def not_modified() -> Responses:
    """304 to a GET whose If-None-Match matched: no body, so a client keeps its copy."""
    return {
        304: {
            "description": "If-None-Match matched the current version: no body; the copy the "
            "client holds is current.",
            "headers": headers(("ETag",), ("X-Tokens-Remaining", *RATE_LIMIT_HEADERS)),
        }
    }


def json_body(
    schema: str, example: Any, media_type: str = "application/json", required: bool = False
) -> dict[str, Any]:
    """A request body of the component `schema`; optional unless `required` (an empty body
    is `{}`, so a schema with required fields needs its body)."""
    return {
        "required": required,
        "content": {media_type: {"schema": ref(schema), "example": example}},
    }


def operation(
    operation_id: str,
    *,
    tag: str,
    scope: str,
    summary: str,
    description: str,
    responses: Responses,
    **rest: Any,
) -> dict[str, Any]:
    """One operation: its id (the generated function's name), scope, security and responses."""
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "description": f"{description}\n\nScope: `{scope}`.",
        # An `http` scheme takes no scope names in a requirement (linters say so); the
        # scope is in `x-scope` and in the words.
        "security": [{"bearerAuth": []}],
        "x-scope": scope,
        **rest,
        "responses": responses,
    }
