"""The error tree of the service (docs/errors.md): plain Python, rendered by app/web/errors.py.

    ServiceError                      status  code
    ├── InvalidJson                   400     invalid_json
    ├── BadRequest                    400     bad_request
    ├── Unauthorized                  401     unauthorized
    ├── InsufficientTokens            402     insufficient_tokens
    ├── InsufficientScope             403     insufficient_scope
    ├── NotFound                      404     not_found
    ├── MethodNotAllowed              405     method_not_allowed
    ├── InvalidTransition             409     invalid_transition
    ├── IdempotencyInProgress         409     idempotency_in_progress
    ├── WebhookEndpointDisabled       409     webhook_endpoint_disabled
    ├── PreconditionFailed            412     precondition_failed
    ├── PayloadTooLarge               413     payload_too_large
    ├── UnsupportedMediaType          415     unsupported_media_type
    ├── ValidationFailed              422     validation_error
    ├── InvalidCursor                 422     invalid_cursor
    ├── IdempotencyKeyReused          422     idempotency_key_reused
    ├── TooManyWebhookEndpoints       422     too_many_webhook_endpoints
    ├── RateLimited                   429     rate_limited
    ├── InternalError                 500     internal_error
    └── StorageUnavailable            503     service_unavailable

The tree is plain Python: the store and the domain raise these errors without knowing of
HTTP frameworks. `app/web/errors.py` renders them, and translates werkzeug's HTTPExceptions
(unknown routes, 405, 413 from the body limit) and marshmallow's ValidationError into
them, so every response has the same envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from app.vocabulary import entity_tag


class ServiceError(Exception):
    """Base of every error a client can see; subclasses fix `status` and `code`."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    message: ClassVar[str] = "The service failed to handle the request."

    def __init__(
        self,
        message: str | None = None,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.text = message or self.message
        self.details = dict(details) if details is not None else None
        self.headers = dict(headers or {})
        super().__init__(self.text)


class InvalidJson(ServiceError):
    status, code = 400, "invalid_json"
    message = "The request body is not a JSON object."


class BadRequest(ServiceError):
    status, code = 400, "bad_request"
    message = "The request could not be understood."


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"
    message = "A valid API key is required: send 'Authorization: Bearer sk_live_...'."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="saasignal"'})


class InsufficientTokens(ServiceError):
    status, code = 402, "insufficient_tokens"
    message = "The account's token balance is too low for this request."

    def __init__(self, required: int, balance: int) -> None:
        super().__init__(
            details={"required": required, "balance": balance},
            headers={"X-Tokens-Remaining": str(balance)},
        )


class InsufficientScope(ServiceError):
    status, code = 403, "insufficient_scope"
    message = "The API key lacks the scope this endpoint requires."

    def __init__(self, required: str) -> None:
        super().__init__(details={"required": required})


class NotFound(ServiceError):
    status, code = 404, "not_found"
    message = "No such conversation."


class MethodNotAllowed(ServiceError):
    status, code = 405, "method_not_allowed"
    message = "The method is not allowed on this resource."


class InvalidTransition(ServiceError):
    status, code = 409, "invalid_transition"
    message = "The conversation cannot make this lifecycle move from its current status."

    def __init__(self, action: str, current: str) -> None:
        super().__init__(
            f"A conversation that is {current} cannot be {_PAST[action]}.",
            details={"status": current},
        )


_PAST = {"archive": "archived", "close": "closed", "reopen": "reopened"}


class IdempotencyInProgress(ServiceError):
    status, code = 409, "idempotency_in_progress"
    message = "A request with this Idempotency-Key is still being processed; retry later."


class WebhookEndpointDisabled(ServiceError):
    status, code = 409, "webhook_endpoint_disabled"
    message = "The webhook endpoint is disabled: enable it before retrying its deliveries."


class PreconditionFailed(ServiceError):
    status, code = 412, "precondition_failed"
    message = "If-Match does not match the conversation's current version."

    def __init__(self, version: int) -> None:
        tag = entity_tag(version)
        super().__init__(details={"etag": tag}, headers={"ETag": tag})


class PayloadTooLarge(ServiceError):
    status, code = 413, "payload_too_large"
    message = "The request body is too large."


class UnsupportedMediaType(ServiceError):
    status, code = 415, "unsupported_media_type"
    message = "The request body must be sent as Content-Type: application/json."


class ValidationFailed(ServiceError):
    status, code = 422, "validation_error"
    message = "The request has invalid fields."


class InvalidCursor(ServiceError):
    status, code = 422, "invalid_cursor"
    message = "The cursor is malformed, altered, or belongs to another filter."


class IdempotencyKeyReused(ServiceError):
    status, code = 422, "idempotency_key_reused"
    message = "This Idempotency-Key was used with another method, path or body."


class TooManyWebhookEndpoints(ServiceError):
    status, code = 422, "too_many_webhook_endpoints"
    message = "The account has as many webhook endpoints as it may."

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"An account may have at most {limit} webhook endpoints.", details={"limit": limit}
        )


class RateLimited(ServiceError):
    status, code = 429, "rate_limited"
    message = "Too many requests; retry after the number of seconds in Retry-After."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


class InternalError(ServiceError):
    status, code = 500, "internal_error"


class StorageUnavailable(ServiceError):
    """503 with one fixed message: the cause (addresses, ports, driver text) is for the log.

    docs/errors.md: no response carries a detail of the storage behind it. `cause` says what
    happened in an operator's words; the renderer logs it (or the chained exception).
    """

    status, code = 503, "service_unavailable"
    message = "The service is unavailable for a moment; retry after the seconds in Retry-After."

    def __init__(self, cause: str | None = None) -> None:
        super().__init__(None, headers={"Retry-After": "1"})
        self.cause = cause
