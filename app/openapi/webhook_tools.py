"""The operations of the OpenAPI document for the webhook tools (SPEC.md §19): one
delivery, its attempts, recovering missed events, and a test event.

Built like `app/openapi/webhooks.py`: components and `$ref`s only, the errors as classes
of the error tree.
"""

from __future__ import annotations

from typing import Any

from app.errors import NotFound, PayloadTooLarge
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


def webhook_tool_paths() -> dict[str, dict[str, Any]]:
    """The paths of the webhook tools with their operations."""
    return {DELIVERY: {"get": _get_delivery()}}
