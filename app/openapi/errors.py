"""The error responses of the OpenAPI document: one `ErrorEnvelope` schema, the codes in the words.

An operation names the errors it can answer as classes of the error tree (`app/errors.py`),
so statuses and codes are never typed twice. `error_responses(...)` groups them by status:
each status gets one response whose schema is `$ref: ErrorEnvelope` and whose description lists
its codes, and `default` covers any other status (500 `internal_error`) with the same
schema, so a generated client parses every error into one `ErrorEnvelope` model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.errors import (
    BadRequest,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InsufficientScope,
    InsufficientTokens,
    InternalError,
    InvalidCursor,
    InvalidJson,
    InvalidTransition,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    RateLimited,
    ServiceError,
    StorageUnavailable,
    TooManyWebhookEndpoints,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
    WebhookEndpointDisabled,
)
from app.openapi.components import ref
from app.openapi.parts import EXAMPLE_REQUEST_ID, Responses, headers
from app.vocabulary import RATE_LIMIT_HEADERS, WRITE

ErrorClass = type[ServiceError]

# What each error means to a client, and an example of its `details` where it has them.
MEANING: dict[ErrorClass, tuple[str, dict[str, Any] | None]] = {
    InvalidJson: ("the body is not JSON, or not a JSON object.", None),
    BadRequest: ("a request the server cannot parse at all.", None),
    Unauthorized: ("the API key is missing, malformed, unknown or revoked.", None),
    InsufficientTokens: (
        "the account's balance is below the price of the request; nothing changed. "
        "`details`: `required`, `balance`.",
        {"required": 2, "balance": 1},
    ),
    InsufficientScope: (
        "the API key lacks the scope the operation requires. `details`: `required`.",
        {"required": WRITE},
    ),
    NotFound: (
        "no such object for this account (unknown, another account's, or an id of another shape).",
        None,
    ),
    InvalidTransition: (
        "the lifecycle move is not allowed from the current status. `details`: `status`.",
        {"status": "archived"},
    ),
    IdempotencyInProgress: (
        "the first request with this Idempotency-Key is still running; retry later.",
        None,
    ),
    PreconditionFailed: (
        "If-Match does not match the current version; nothing changed. `details`: `etag`, "
        "the current entity tag.",
        {"etag": '"2"'},
    ),
    PayloadTooLarge: ("the body is over MAX_BODY_BYTES (default 65536).", None),
    UnsupportedMediaType: (
        "a non-empty body whose Content-Type is not JSON (`application/json` or "
        "`application/*+json`, UTF-8).",
        None,
    ),
    ValidationFailed: (
        "invalid fields in the body, query or Idempotency-Key. `details`: field → messages.",
        {"title": ["Longer than maximum length 256."]},
    ),
    InvalidCursor: (
        "the cursor is malformed, altered, or from another filter or account.",
        None,
    ),
    IdempotencyKeyReused: (
        "this Idempotency-Key was used with another method, path or body.",
        None,
    ),
    TooManyWebhookEndpoints: (
        "the account already has as many webhook endpoints as it may. `details`: `limit`.",
        {"limit": 16},
    ),
    WebhookEndpointDisabled: (
        "the webhook endpoint is disabled: enable it (PATCH `status: enabled`) first.",
        None,
    ),
    RateLimited: (
        "too many requests for this API key, or too many failed authentications from this "
        "address; retry after `Retry-After` seconds.",
        None,
    ),
    InternalError: ("a bug, logged with the request id; the tokens were refunded.", None),
    StorageUnavailable: (
        "the storage backend is unreachable; the tokens were refunded. Retry after "
        "`Retry-After` seconds.",
        None,
    ),
}

# The errors every authenticated operation can answer, and those of any operation with a body.
AUTHENTICATED: tuple[ErrorClass, ...] = (
    Unauthorized,
    InsufficientTokens,
    InsufficientScope,
    RateLimited,
    StorageUnavailable,
)
WITH_BODY: tuple[ErrorClass, ...] = (
    InvalidJson,
    BadRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)

_RATE = RATE_LIMIT_HEADERS
_SPENT = ("X-Tokens-Remaining", *_RATE)
# The headers each error carries, by how far the request got (docs/errors.md):
# status → (always there, there once the request passed that step).
_HEADERS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    401: (("WWW-Authenticate",), ()),
    402: (("X-Tokens-Remaining", *_RATE), ()),
    403: ((), ()),
    412: (("ETag",), _SPENT),
    429: (("Retry-After",), _RATE),
    500: ((), _SPENT),
    503: (("Retry-After",), _SPENT),
}


def _response(errors: list[ErrorClass], preamble: str = "") -> dict[str, Any]:
    codes = "\n".join(f"- `{error.code}`: {MEANING[error][0]}" for error in errors)
    first = errors[0]
    body: dict[str, Any] = {"code": first.code, "message": first.message}
    details = MEANING[first][1]
    if details is not None:
        body["details"] = details
    body["request_id"] = EXAMPLE_REQUEST_ID
    required, optional = _HEADERS.get(first.status, ((), _SPENT))
    return {
        "description": f"{preamble}Error codes:\n\n{codes}",
        "headers": headers(required, optional),
        "content": {
            "application/json": {
                "schema": ref("ErrorEnvelope"),
                "example": {"status": "error", "error": body},
            }
        },
    }


def error_responses(*groups: Iterable[ErrorClass]) -> Responses:
    """The error responses of an operation that can answer the errors of `groups`."""
    by_status: dict[int, list[ErrorClass]] = {}
    for group in groups:
        for error in group:
            if error not in by_status.setdefault(error.status, []):
                by_status[error.status].append(error)
    found: Responses = {status: _response(by_status[status]) for status in sorted(by_status)}
    found["default"] = _response(
        [InternalError], "Any other status, in the same `ErrorEnvelope` (never a traceback). "
    )
    return found
