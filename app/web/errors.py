"""The one handler that renders every error in the envelope of docs/errors.md.

ServiceErrors (app/errors.py) render as they are; werkzeug's HTTPExceptions (unknown
routes, 405, 413 from the body limit, and any other it raises) and marshmallow's
ValidationError are translated into the tree first. Anything else is a bug: 500, logged
with the request id, never a traceback in the response.
"""

from __future__ import annotations

import functools
import logging
import re

from flask import Flask, Response, request
from limits.errors import StorageError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.errors import (
    BadRequest,
    InternalError,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceError,
    StorageUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from app.web.context import current
from app.web.envelope import error_response

log = logging.getLogger("saasignal")

_HTTP_EXCEPTIONS: dict[int, type[ServiceError]] = {
    400: BadRequest,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
}


@functools.cache
def _client_error(status: int, name: str) -> type[ServiceError]:
    """An error class for a 4xx the tree does not name: its status, a code from its name."""
    code = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    attributes = {"status": status, "code": code, "message": f"{name}."}
    return type(f"HttpError{status}", (ServiceError,), attributes)


def from_http_exception(exc: HTTPException) -> ServiceError:
    """Translate a werkzeug HTTPException into the service's tree, keeping its 4xx status."""
    status = exc.code or 500
    if status == 404:
        return NotFound("No such resource.")
    if status == 405:
        allowed = getattr(exc, "valid_methods", None)
        headers = {"Allow": ", ".join(sorted(allowed))} if allowed else None
        return MethodNotAllowed(f"{request.method} is not allowed here.", headers=headers)
    if status == 429:
        retry_after = getattr(exc, "retry_after", None)
        return RateLimited(retry_after=retry_after if isinstance(retry_after, int) else 1)
    if status in _HTTP_EXCEPTIONS:
        return _HTTP_EXCEPTIONS[status]()
    if 400 <= status < 500:
        return _client_error(status, exc.name)()
    return InternalError()


def _explained(error: ServiceError) -> str:
    """The error's message; a 412 to an If-Match with no quoted tag (`If-Match: 2`, which
    names no entity tag) says how to write one, showing the current tag."""
    header = request.headers.get("If-Match") if error.status == 412 else None
    if header is None or '"' in header or header.strip() == "*" or not error.details:
        return error.text
    return (
        "If-Match does not match the current version; entity tags are quoted: "
        f"{error.details.get('etag')}"
    )


def render(error: ServiceError) -> Response:
    """Render a ServiceError in the envelope, with its headers."""
    if isinstance(error, StorageUnavailable):
        cause = error.__cause__ or error.cause or error.text
        log.warning("storage unavailable (request %s): %s", current().request_id, cause)
    response = error_response(
        error.status, error.code, _explained(error), error.details, current().request_id
    )
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Route every exception a request can raise through the one envelope."""

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError) -> Response:
        return render(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        return render(from_http_exception(error))

    @app.errorhandler(ValidationError)
    def _validation_error(error: ValidationError) -> Response:
        messages = error.messages
        details = messages if isinstance(messages, dict) else {"_schema": messages}
        return render(ValidationFailed(details=details))

    @app.errorhandler(StorageError)
    def _limiter_storage_error(error: StorageError) -> Response:
        # The rate limiter's storage failed: limits are never skipped, the request is a 503.
        # Its text names the address and port: the log gets it, the body never does.
        return render(StorageUnavailable(f"rate-limit storage: {error}"))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error (request %s)", current().request_id)
        return render(InternalError())
