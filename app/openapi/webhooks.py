"""The operations of the OpenAPI document for the webhook endpoints (SPEC.md §16).

Built like the conversation and event operations: components and `$ref`s only, the errors
as classes of the error tree.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

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
from app.openapi.errors import AUTHENTICATED, WITH_BODY, error_responses
from app.openapi.events import EXAMPLE_EVENT
from app.openapi.parts import (
    EXAMPLE_DELIVERY_ID,
    EXAMPLE_ENDPOINT_ID,
    json_body,
    operation,
    parameter,
    success,
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


def _create() -> dict[str, Any]:
    created = success(
        201,
        "The new endpoint, with its signing secret: the only answer besides rotate_secret "
        "that shows it.",
        "WebhookEndpointWithSecretEnvelope",
        _WITH_SECRET,
        replayable=True,
    )
    created[201]["links"] = _LINKS
    return operation(
        "create_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Create a webhook endpoint",
        description="Every event the account writes from now on whose type the endpoint "
        f"subscribes to is POSTed to its URL, signed. {_URL_RULE} An account has at most "
        f"{MAX_ENDPOINTS} endpoints (422 `too_many_webhook_endpoints` past that). Honours "
        "Idempotency-Key: a replay shows the same endpoint and secret.",
        parameters=[parameter("IdempotencyKey")],
        requestBody=json_body(
            "CreateWebhookEndpoint",
            {"url": "https://hooks.example.com/saasignal", "enabled_events": ["*"]},
            required=True,  # `url` is required, so an absent body (`{}`) is a 422
        ),
        responses={
            **created,
            **error_responses(AUTHENTICATED, WITH_BODY, (TooManyWebhookEndpoints,), _IDEMPOTENT),
        },
    )


def _list(query: type[Schema]) -> dict[str, Any]:
    page = {"status": "ok", "data": [EXAMPLE_ENDPOINT], "has_more": False, "next_cursor": None}
    return operation(
        "list_webhook_endpoints",
        tag=TAG,
        scope=ADMIN,
        summary="List webhook endpoints",
        description="Newest first, without their secrets. Unknown or repeated parameters, "
        "bad values and a limit out of range are 422.",
        parameters=[{"in": "query", "schema": query}],
        responses={
            **success(200, "A page of webhook endpoints.", "WebhookEndpointList", page),
            **error_responses(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, InvalidCursor)),
        },
    )


def _get() -> dict[str, Any]:
    return operation(
        "get_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Retrieve a webhook endpoint",
        description="Without its secret.",
        parameters=[parameter("WebhookEndpointId")],
        responses={
            **success(200, "The webhook endpoint.", "WebhookEndpointEnvelope", _ONE),
            **error_responses(AUTHENTICATED, (PayloadTooLarge, NotFound)),
        },
    )


def _update() -> dict[str, Any]:
    return operation(
        "update_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Update a webhook endpoint",
        description=f"Sent as `{MERGE_PATCH}` (plain `application/json` is accepted too): "
        "each field given replaces its value, a field left out is unchanged, "
        "`description: null` clears it. `status: disabled` stops every delivery "
        "(`disabled_reason: manual`); `status: enabled` clears the reason and sends the "
        f"events written from then on, never those written while it was disabled. {_URL_RULE}",
        parameters=[parameter("WebhookEndpointId")],
        requestBody=json_body(
            "UpdateWebhookEndpoint",
            {"enabled_events": ["conversation.closed"], "status": "enabled"},
            MERGE_PATCH,
        ),
        responses={
            **success(200, "The endpoint after the update.", "WebhookEndpointEnvelope", _ONE),
            **error_responses(AUTHENTICATED, WITH_BODY, (NotFound,)),
        },
    )


def _delete() -> dict[str, Any]:
    gone = {
        "status": "ok",
        "data": {"id": EXAMPLE_ENDPOINT_ID, "object": "webhook_endpoint", "deleted": True},
    }
    return operation(
        "delete_webhook_endpoint",
        tag=TAG,
        scope=ADMIN,
        summary="Delete a webhook endpoint",
        description="Nothing is sent to it from now on; afterwards it is 404.",
        parameters=[parameter("WebhookEndpointId")],
        responses={
            **success(200, "The endpoint is deleted.", "DeletedWebhookEndpointEnvelope", gone),
            **error_responses(AUTHENTICATED, (PayloadTooLarge, NotFound)),
        },
    )


def _rotate() -> dict[str, Any]:
    return operation(
        "rotate_webhook_secret",
        tag=TAG,
        scope=ADMIN,
        summary="Rotate a webhook endpoint's secret",
        description="A new secret signs every attempt from now on; the previous one keeps "
        "signing beside it (two signatures in `webhook-signature`) for 24 hours, so the "
        "receiver can switch without refusing a delivery. The body is empty or `{}`. Honours "
        "Idempotency-Key.",
        parameters=[parameter("WebhookEndpointId"), parameter("IdempotencyKey")],
        requestBody=json_body("EmptyBody", {}),
        responses={
            **success(
                200,
                "The endpoint with its new secret.",
                "WebhookEndpointWithSecretEnvelope",
                _WITH_SECRET,
                replayable=True,
            ),
            **error_responses(AUTHENTICATED, WITH_BODY, (NotFound,), _IDEMPOTENT),
        },
    )


def _list_deliveries(query: type[Schema]) -> dict[str, Any]:
    page = {"status": "ok", "data": [EXAMPLE_DELIVERY], "has_more": True, "next_cursor": "eyJr..."}
    return operation(
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
        parameters=[parameter("WebhookEndpointId"), {"in": "query", "schema": query}],
        responses={
            **success(200, "A page of deliveries.", "WebhookDeliveryList", page),
            **error_responses(
                AUTHENTICATED, (PayloadTooLarge, ValidationFailed, InvalidCursor, NotFound)
            ),
        },
    )


def _retry() -> dict[str, Any]:
    pending = {
        "status": "ok",
        "data": {
            **EXAMPLE_DELIVERY,
            "status": "pending",
            "next_attempt_at": "2026-11-30T09:00:00.000Z",
        },
    }
    return operation(
        "retry_webhook_delivery",
        tag=TAG,
        scope=ADMIN,
        summary="Retry a webhook delivery",
        description="Makes the delivery's next attempt due now, whatever its status (a "
        "`failed` one too); while an attempt is in flight, the retry follows it if it fails. "
        "409 `webhook_endpoint_disabled` while the endpoint is disabled. The body is empty "
        "or `{}`. Honours Idempotency-Key.",
        parameters=[
            parameter("WebhookEndpointId"),
            parameter("WebhookDeliveryId"),
            parameter("IdempotencyKey"),
        ],
        requestBody=json_body("EmptyBody", {}),
        responses={
            **success(
                200, "The delivery, due now.", "WebhookDeliveryEnvelope", pending, replayable=True
            ),
            **error_responses(
                AUTHENTICATED, WITH_BODY, (NotFound, WebhookEndpointDisabled), _IDEMPOTENT
            ),
        },
    )


def webhook_paths(
    list_query: type[Schema], deliveries_query: type[Schema]
) -> dict[str, dict[str, Any]]:
    """Every webhook path with its operations; the queries of the two lists."""
    return {
        BASE: {"post": _create(), "get": _list(list_query)},
        ITEM: {"get": _get(), "patch": _update(), "delete": _delete()},
        ITEM + "/rotate_secret": {"post": _rotate()},
        DELIVERIES: {"get": _list_deliveries(deliveries_query)},
        DELIVERIES + "/{delivery_id}/retry": {"post": _retry()},
    }
