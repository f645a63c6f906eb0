"""The operations of the OpenAPI document for the webhook tools (docs/webhooks.md): one
delivery, its attempts, recovering missed events, and a test event.

Built like `app/openapi/webhooks.py`: components and `$ref`s only, the errors as classes
of the error tree.
"""

from __future__ import annotations

from app.errors import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
    WebhookEndpointDisabled,
)
from app.openapi.declare import Operation
from app.openapi.errors import AUTHENTICATED, WITH_BODY
from app.openapi.parts import parameter, success
from app.openapi.webhooks import DELIVERIES, EXAMPLE_DELIVERY, ITEM, TAG
from app.schemas.common import EmptySchema
from app.schemas.webhook_tools import RecoverWebhookEventsSchema, WebhookAttemptListQuerySchema
from app.store.webhook_tools import RECOVERY_BYTE_BUDGET, RECOVERY_READ_BUDGET
from app.vocabulary import ADMIN, WEBHOOK_TEST_EVENT

DELIVERY = DELIVERIES + "/{delivery_id}"


def _get_delivery() -> Operation:
    return Operation(
        "get",
        DELIVERY,
        "get_webhook_delivery",
        tag=TAG,
        scope=ADMIN,
        summary="Retrieve a webhook delivery",
        description="One delivery of the endpoint: its status, attempts so far, and the last "
        "one's outcome. 404 for another endpoint's delivery, or one past EVENT_RETENTION_DAYS.",
        parameters=(parameter("WebhookEndpointId"), parameter("WebhookDeliveryId")),
        success=success(
            200,
            "The delivery.",
            "WebhookDeliveryEnvelope",
            {"status": "ok", "data": EXAMPLE_DELIVERY},
        ),
        errors=(AUTHENTICATED, (PayloadTooLarge, NotFound)),
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


def _list_attempts() -> Operation:
    page = {"status": "ok", "data": [EXAMPLE_ATTEMPT], "has_more": False, "next_cursor": None}
    return Operation(
        "get",
        DELIVERY + "/attempts",
        "list_webhook_attempts",
        tag=TAG,
        scope=ADMIN,
        summary="List a webhook delivery's attempts",
        description="Its last 10 attempts, newest first, in one page: when each started, how "
        "long it took, the receiver's status code or the error, and the first 1,024 bytes of "
        "its answer as text. Kept as long as the delivery. Takes no query parameters (any is "
        "422).",
        parameters=(parameter("WebhookEndpointId"), parameter("WebhookDeliveryId")),
        query=WebhookAttemptListQuerySchema,
        success=success(200, "The delivery's last attempts.", "WebhookAttemptList", page),
        errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, NotFound)),
    )


_IDEMPOTENT = (IdempotencyInProgress, IdempotencyKeyReused)


def _send_test() -> Operation:
    pending = {
        **EXAMPLE_DELIVERY,
        "event_type": WEBHOOK_TEST_EVENT,
        "status": "pending",
        "attempts": 0,
        "last_attempt_at": None,
        "last_status_code": None,
        "next_attempt_at": "2026-11-30T09:00:00.000Z",
    }
    return Operation(
        "post",
        ITEM + "/test",
        "send_webhook_test",
        tag=TAG,
        scope=ADMIN,
        summary="Send a webhook endpoint a test event",
        description=f"Sends this endpoint alone a `{WEBHOOK_TEST_EVENT}` event (its "
        "`data.object` is the endpoint, without its secret) whatever its `enabled_events`, "
        "as a delivery like any other: signed, retried, in its deliveries. The event is not "
        "in the events feed (404 there by id). 409 `webhook_endpoint_disabled` while the "
        "endpoint is disabled. The body is empty or `{}`. Honours Idempotency-Key.",
        parameters=(parameter("WebhookEndpointId"), parameter("IdempotencyKey")),
        body=EmptySchema,
        body_example={},
        success=success(
            200,
            "The test event's delivery, due now.",
            "WebhookDeliveryEnvelope",
            {"status": "ok", "data": pending},
            replayable=True,
        ),
        errors=(AUTHENTICATED, WITH_BODY, (NotFound, WebhookEndpointDisabled), _IDEMPOTENT),
    )


def _recover() -> Operation:
    done = {
        "status": "ok",
        "data": {
            "object": "webhook_recovery",
            "deliveries": 212,
            "has_more": True,
            "next_since": "2026-11-27T08:14:03.117Z",
        },
    }
    return Operation(
        "post",
        ITEM + "/recover",
        "recover_webhook_events",
        tag=TAG,
        scope=ADMIN,
        summary="Recover the events a webhook endpoint missed",
        description="Every event from `since` to `until` (default now), oldest first, that "
        "the endpoint subscribes to now, written after it was created, and not yet delivered "
        "to it with success, gets a delivery due now: a failed one is made pending again, "
        "one never made (for instance while the endpoint was disabled) is made. One call "
        f"reads at most {RECOVERY_READ_BUDGET:,} events and {RECOVERY_BYTE_BUDGET // 1024} KiB "
        "of them (whole milliseconds): while `has_more` is true, call "
        "again with `since: next_since`. A `since` older than EVENT_RETENTION_DAYS reads "
        "from the oldest event kept. 409 `webhook_endpoint_disabled` while the endpoint is "
        "disabled. Honours Idempotency-Key (the outcome is recorded with the change).",
        parameters=(parameter("WebhookEndpointId"), parameter("IdempotencyKey")),
        body=RecoverWebhookEventsSchema,
        body_example={"since": "2026-11-26T00:00:00Z"},
        body_required=True,
        success=success(
            200, "What the call made due.", "WebhookRecoveryEnvelope", done, replayable=True
        ),
        errors=(AUTHENTICATED, WITH_BODY, (NotFound, WebhookEndpointDisabled), _IDEMPOTENT),
    )


GET_DELIVERY = _get_delivery()
LIST_ATTEMPTS = _list_attempts()
SEND_TEST = _send_test()
RECOVER = _recover()
