from typing import Literal

ErrorCode = Literal[
    "bad_request",
    "idempotency_in_progress",
    "idempotency_key_reused",
    "insufficient_scope",
    "insufficient_tokens",
    "internal_error",
    "invalid_cursor",
    "invalid_json",
    "invalid_transition",
    "method_not_allowed",
    "not_found",
    "payload_too_large",
    "precondition_failed",
    "rate_limited",
    "service_unavailable",
    "too_many_webhook_endpoints",
    "unauthorized",
    "unsupported_media_type",
    "validation_error",
    "webhook_endpoint_disabled",
]

ERROR_CODE_VALUES: set[ErrorCode] = {
    "bad_request",
    "idempotency_in_progress",
    "idempotency_key_reused",
    "insufficient_scope",
    "insufficient_tokens",
    "internal_error",
    "invalid_cursor",
    "invalid_json",
    "invalid_transition",
    "method_not_allowed",
    "not_found",
    "payload_too_large",
    "precondition_failed",
    "rate_limited",
    "service_unavailable",
    "too_many_webhook_endpoints",
    "unauthorized",
    "unsupported_media_type",
    "validation_error",
    "webhook_endpoint_disabled",
}


def check_error_code(value: str) -> ErrorCode:
    if value in ERROR_CODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ERROR_CODE_VALUES!r}")
