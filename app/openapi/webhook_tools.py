"""The operations of the OpenAPI document for the webhook tools (SPEC.md §19): one
delivery, its attempts, recovering missed events, and a test event.

Built like `app/openapi/webhooks.py`: components and `$ref`s only, the errors as classes
of the error tree.
"""

from __future__ import annotations

from typing import Any

from app.errors import NotFound, PayloadTooLarge, ValidationFailed
from app.openapi.errors import AUTHENTICATED, error_responses
from app.openapi.parts import operation, parameter, success
from app.openapi.webhooks import DELIVERIES, EXAMPLE_DELIVERY, TAG
from app.vocabulary import ADMIN

DELIVERY = DELIVERIES + "/{delivery_id}"


def _get_delivery() -> dict[str, Any]:
    return operation(
        "get_webhook_delivery",
        tag=TAG,
        scope=ADMIN,
        summary="Retrieve a webhook delivery",
        description="One delivery of the endpoint: its status, attempts so far, and the last "
        "one's outcome. 404 for another endpoint's delivery, or one past EVENT_RETENTION_DAYS.",
        parameters=[parameter("WebhookEndpointId"), parameter("WebhookDeliveryId")],
        responses={
            **success(
                200,
                "The delivery.",
                "WebhookDeliveryEnvelope",
                {"status": "ok", "data": EXAMPLE_DELIVERY},
            ),
            **error_responses(AUTHENTICATED, (PayloadTooLarge, NotFound)),
        },
    )


EXAMPLE_ATTEMPT = {
    "object": "webhook_attempt",
    "attempt": 3,
    "started_at": "2026-11-26T12:35:05.210Z",
    "duration_ms": 812,
    "status_code": 503,
    "error": None,
    "response_body": '{"error": "maintenance"}',
}


def _list_attempts() -> dict[str, Any]:
    page = {"status": "ok", "data": [EXAMPLE_ATTEMPT], "has_more": False, "next_cursor": None}
    return operation(
        "list_webhook_attempts",
        tag=TAG,
        scope=ADMIN,
        summary="List a webhook delivery's attempts",
        description="Its last 10 attempts, newest first, in one page: when each started, how "
        "long it took, the receiver's status code or the error, and the first 1,024 bytes of "
        "its answer as text. Kept as long as the delivery. Takes no query parameters (any is "
        "422).",
        parameters=[parameter("WebhookEndpointId"), parameter("WebhookDeliveryId")],
        responses={
            **success(200, "The delivery's last attempts.", "WebhookAttemptList", page),
            **error_responses(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, NotFound)),
        },
    )


def webhook_tool_paths() -> dict[str, dict[str, Any]]:
    """The paths of the webhook tools with their operations."""
    return {
        DELIVERY: {"get": _get_delivery()},
        DELIVERY + "/attempts": {"get": _list_attempts()},
    }
