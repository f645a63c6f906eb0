"""Every error response of the API raises `ApiError`, through one subclass per case.

The exception is built from the HTTP response itself, whatever its body: the service's
envelope `{"status": "error", "error": {"code", "message", "details", "request_id"}}`
fills every field; a body that is not the envelope (a proxy's HTML page, say) still gives
the status, `code="unexpected_response"` and the `X-Request-Id` header if any.
"""

from __future__ import annotations

import json
from typing import Any

import httpx


class ApiError(Exception):
    """An error response: `status` (HTTP), `code` (stable, match on it), `message`,
    `details` (a dict, empty when the error has none) and `request_id` (quote it)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        request_id: str | None = None,
        headers: httpx.Headers | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}
        self.request_id = request_id
        self.headers = headers if headers is not None else httpx.Headers()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, code={self.code!r}, "
            f"message={self.message!r}, details={self.details!r}, request_id={self.request_id!r})"
        )


class InvalidRequestError(ApiError):
    """400, 413, 415, 422: the request is wrong (`details` says which field, for 422)."""


class AuthenticationError(ApiError):
    """401: no key, an unknown key or a revoked one."""


class InsufficientTokensError(ApiError):
    """402: the balance cannot pay the request (`details`: `required`, `balance`)."""


class InsufficientScopeError(ApiError):
    """403: the key lacks the scope (`details`: `required`)."""


class NotFoundError(ApiError):
    """404: no such object in the key's account."""


class ConflictError(ApiError):
    """409: the object's state forbids the request (e.g. `invalid_transition`)."""


class PreconditionFailedError(ApiError):
    """412: If-Match named another version (`details`: `etag`, the current one)."""


class RateLimitError(ApiError):
    """429: too many requests; `retry_after` is the `Retry-After` header in seconds."""

    @property
    def retry_after(self) -> float | None:
        try:
            return float(self.headers["Retry-After"])
        except (KeyError, ValueError):
            return None


class ServiceUnavailableError(ApiError):
    """5xx: the service (or its storage) failed; retry later, with the same Idempotency-Key."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: InsufficientTokensError,
    403: InsufficientScopeError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    413: InvalidRequestError,
    415: InvalidRequestError,
    422: InvalidRequestError,
    429: RateLimitError,
}


def error_class(status: int) -> type[ApiError]:
    """The exception class of an HTTP error status."""
    if status >= 500:
        return ServiceUnavailableError
    return _BY_STATUS.get(status, ApiError)


def from_response(response: httpx.Response) -> ApiError:
    """The exception an error response raises (the body must have been read)."""
    header_id = response.headers.get("X-Request-Id")
    try:
        error = json.loads(response.content)["error"]
        code, message = str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        text = response.text.strip()[:200] or response.reason_phrase
        return error_class(response.status_code)(
            response.status_code, "unexpected_response", text, None, header_id, response.headers
        )
    details = error.get("details")
    return error_class(response.status_code)(
        response.status_code,
        code,
        message,
        dict(details) if isinstance(details, dict) else None,
        str(error.get("request_id") or header_id or "") or None,
        response.headers,
    )
