"""The operations of the OpenAPI document for the webhook endpoints (docs/webhooks.md).

Built like the conversation and event operations: components and `$ref`s only, the errors
as classes of the error tree.
"""

from __future__ import annotations

from app.errors import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidCursor,
    NotFound,
    PayloadTooLarge,
    TooManyWebhookEndpoints,
    ValidationFailed,
    WebhookEndpointDisabled,
)
from app.openapi.conversations import MERGE_PATCH
from app.openapi.declare import QUERY, Operation
from app.openapi.errors import AUTHENTICATED, WITH_BODY
from app.openapi.events import EXAMPLE_EVENT
from app.openapi.parts import EXAMPLE_DELIVERY_ID, EXAMPLE_ENDPOINT_ID, parameter, success
from app.schemas.common import EmptySchema
from app.schemas.webhooks import (
    CreateWebhookEndpointSchema,
    UpdateWebhookEndpointSchema,
    WebhookDeliveryListQuerySchema,
    WebhookListQuerySchema,
)
from app.store.webhook_endpoints import MAX_ENDPOINTS
from app.vocabulary import ADMIN, WEBHOOK_ENDPOINTS_PATH

TAG = "Webhooks"
BASE = WEBHOOK_ENDPOINTS_PATH
ITEM = BASE + "/{endpoint_id}"
DELIVERIES = ITEM + "/deliveries"

EXAMPLE_ENDPOINT = {
    "id": EXAMPLE_ENDPOINT_ID,
    "object": "webhook_endpoint",
    "url": "https://hooks.example.com/saasignal",
    "enabled_events": ["*"],
    "description": None,
    "status": "enabled",
    "disabled_reason": None,
    "created_at": "2026-11-26T12:00:00.123Z",
    "updated_at": "2026-11-26T12:00:00.123Z",
}
EXAMPLE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4BdWH7Ks0t0="
EXAMPLE_DELIVERY = {
    "id": EXAMPLE_DELIVERY_ID,
    "object": "webhook_delivery",
    "event_id": EXAMPLE_EVENT["id"],
    "event_type": EXAMPLE_EVENT["type"],
    "status": "failed",
    "attempts": 10,
    "last_attempt_at": "2026-11-29T12:00:00.123Z",
    "last_status_code": 500,
    "last_error": None,
    "next_attempt_at": None,
}
_ONE = {"status": "ok", "data": EXAMPLE_ENDPOINT}
_WITH_SECRET = {"status": "ok", "data": {**EXAMPLE_ENDPOINT, "secret": EXAMPLE_SECRET}}
_LINKS = {
    name: {
        "operationId": operation_id,
        "parameters": {"endpoint_id": "$response.body#/data/id"},
        "description": f"{name} of the webhook endpoint this response describes.",
    }
    for name, operation_id in (
        ("Get", "get_webhook_endpoint"),
        ("Update", "update_webhook_endpoint"),
        ("Delete", "delete_webhook_endpoint"),
        ("RotateSecret", "rotate_webhook_secret"),
        ("ListDeliveries", "list_webhook_deliveries"),
    )
}
_IDEMPOTENT = (IdempotencyInProgress, IdempotencyKeyReused)
_URL_RULE = (
    "A URL that is not `https://`, carries user information, is over 2,048 characters, or "
    "whose host is or resolves to a non-public address is 422 `validation_error` with "
    "`details.url`."
)


def _create() -> Operation:
    created = success(
        201,
        "The new endpoint, with its signing secret: the only answer besides rotate_secret "
        "that shows it.",
        "WebhookEndpointWithSecretEnvelope",
        _WITH_SECRET,
        replayable=True,
    )
    created[201]["links"] = _LINKS
    return Operation(
        "post",
        BASE,
        "create_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Create a webhook endpoint",
        description="Every event the account writes from now on whose type the endpoint "
        f"subscribes to is POSTed to its URL, signed. {_URL_RULE} An account has at most "
        f"{MAX_ENDPOINTS} endpoints (422 `too_many_webhook_endpoints` past that). Honours "
        "Idempotency-Key: a replay shows the same endpoint and secret.",
        parameters=(parameter("IdempotencyKey"),),
        body=CreateWebhookEndpointSchema,
        body_example={"url": "https://hooks.example.com/saasignal", "enabled_events": ["*"]},
        body_required=True,  # `url` is required, so an absent body (`{}`) is a 422
        success=created,
        errors=(AUTHENTICATED, WITH_BODY, (TooManyWebhookEndpoints,), _IDEMPOTENT),
    )


def _list() -> Operation:
    page = {"status": "ok", "data": [EXAMPLE_ENDPOINT], "has_more": False, "next_cursor": None}
    return Operation(
        "get",
        BASE,
        "list_webhook_endpoints",
        tag=TAG,
        scope=ADMIN,
        summary="List webhook endpoints",
        description="Newest first, without their secrets. Unknown or repeated parameters, "
        "bad values and a limit out of range are 422.",
        query=WebhookListQuerySchema,
        success=success(200, "A page of webhook endpoints.", "WebhookEndpointList", page),
        errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, InvalidCursor)),
    )


def _get() -> Operation:
    return Operation(
        "get",
        ITEM,
        "get_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Retrieve a webhook endpoint",
        description="Without its secret.",
        parameters=(parameter("WebhookEndpointId"),),
        success=success(200, "The webhook endpoint.", "WebhookEndpointEnvelope", _ONE),
        errors=(AUTHENTICATED, (PayloadTooLarge, NotFound)),
    )


def _update() -> Operation:
    return Operation(
        "patch",
        ITEM,
        "update_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Update a webhook endpoint",
        description=f"Sent as `{MERGE_PATCH}` (plain `application/json` is accepted too): "
        "each field given replaces its value, a field left out is unchanged, "
        "`description: null` clears it. `status: disabled` stops every delivery "
        "(`disabled_reason: manual`); `status: enabled` clears the reason and sends the "
        f"events written from then on, never those written while it was disabled. {_URL_RULE}",
        parameters=(parameter("WebhookEndpointId"),),
        body=UpdateWebhookEndpointSchema,
        body_example={"enabled_events": ["conversation.closed"], "status": "enabled"},
        body_media_type=MERGE_PATCH,
        success=success(200, "The endpoint after the update.", "WebhookEndpointEnvelope", _ONE),
        errors=(AUTHENTICATED, WITH_BODY, (NotFound,)),
    )


def _delete() -> Operation:
    gone = {
        "status": "ok",
        "data": {"id": EXAMPLE_ENDPOINT_ID, "object": "webhook_endpoint", "deleted": True},
    }
    return Operation(
        "delete",
        ITEM,
        "delete_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Delete a webhook endpoint",
        description="Nothing is sent to it from now on; afterwards it is 404.",
        parameters=(parameter("WebhookEndpointId"),),
        success=success(200, "The endpoint is deleted.", "DeletedWebhookEndpointEnvelope", gone),
        errors=(AUTHENTICATED, (PayloadTooLarge, NotFound)),
    )


def _rotate() -> Operation:
    return Operation(
        "post",
        ITEM + "/rotate_secret",
        "rotate_webhook_secret",
        tag=TAG,
        scope=ADMIN,
        summary="Rotate a webhook endpoint's secret",
        description="A new secret signs every attempt from now on; the previous one keeps "
        "signing beside it (two signatures in `webhook-signature`) for 24 hours, so the "
        "receiver can switch without refusing a delivery. The body is empty or `{}`. Honours "
        "Idempotency-Key.",
        parameters=(parameter("WebhookEndpointId"), parameter("IdempotencyKey")),
        body=EmptySchema,
        body_example={},
        success=success(
            200,
            "The endpoint with its new secret.",
            "WebhookEndpointWithSecretEnvelope",
            _WITH_SECRET,
            replayable=True,
        ),
        errors=(AUTHENTICATED, WITH_BODY, (NotFound,), _IDEMPOTENT),
    )


def _list_deliveries() -> Operation:
    page = {"status": "ok", "data": [EXAMPLE_DELIVERY], "has_more": True, "next_cursor": "eyJr..."}
    return Operation(
        "get",
        DELIVERIES,
        "list_webhook_deliveries",
        tag=TAG,
        scope=ADMIN,
        summary="List a webhook endpoint's deliveries",
        description="Newest first (by the event's time), kept EVENT_RETENTION_DAYS. Filters: "
        "`status`, and `event_id` (the one delivery of that event). A page filtered by "
        "status reads at most 1,000 deliveries, so it may hold fewer than `limit` (even "
        "none) while `has_more` is true: follow `next_cursor`. A cursor is bound to its "
        "endpoint and filters. Unknown or repeated parameters, bad values and a limit out "
        "of range are 422.",
        parameters=(parameter("WebhookEndpointId"), QUERY),
        query=WebhookDeliveryListQuerySchema,
        success=success(200, "A page of deliveries.", "WebhookDeliveryList", page),
        errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, InvalidCursor, NotFound)),
    )


def _retry() -> Operation:
    pending = {
        "status": "ok",
        "data": {
            **EXAMPLE_DELIVERY,
            "status": "pending",
            "next_attempt_at": "2026-11-30T09:00:00.000Z",
        },
    }
    return Operation(
        "post",
        DELIVERIES + "/{delivery_id}/retry",
        "retry_webhook_delivery",
        tag=TAG,
        scope=ADMIN,
        summary="Retry a webhook delivery",
        description="Makes the delivery's next attempt due now, whatever its status (a "
        "`failed` one too); while an attempt is in flight, the retry follows it if it fails. "
        "409 `webhook_endpoint_disabled` while the endpoint is disabled. The body is empty "
        "or `{}`. Honours Idempotency-Key.",
        parameters=(
            parameter("WebhookEndpointId"),
            parameter("WebhookDeliveryId"),
            parameter("IdempotencyKey"),
        ),
        body=EmptySchema,
        body_example={},
        success=success(
            200, "The delivery, due now.", "WebhookDeliveryEnvelope", pending, replayable=True
        ),
        errors=(AUTHENTICATED, WITH_BODY, (NotFound, WebhookEndpointDisabled), _IDEMPOTENT),
    )


CREATE = _create()
LIST = _list()
GET = _get()
UPDATE = _update()
DELETE = _delete()
ROTATE_SECRET = _rotate()
LIST_DELIVERIES = _list_deliveries()
RETRY_DELIVERY = _retry()
