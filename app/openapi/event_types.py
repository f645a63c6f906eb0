"""The catalog of event types in the OpenAPI document (docs/webhooks.md): the operation that
lists them, and the top-level `webhooks` section (OpenAPI 3.1) that describes the request
each type makes to a receiver, its payload by `$ref` to the shared components."""

from __future__ import annotations

from typing import Any

from app.domain.event_types import DESCRIPTIONS, event_type_resources
from app.errors import PayloadTooLarge, ValidationFailed
from app.openapi.components import ref
from app.openapi.declare import Operation, Resource
from app.openapi.errors import AUTHENTICATED
from app.openapi.parts import success
from app.schemas.events import EventTypeListQuerySchema
from app.vocabulary import EVENT_TYPES_PATH, READ, WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT

# The component each type's payload is.
PAYLOADS = {name: "Event" for name in WEBHOOK_EVENT_TYPES} | {
    WEBHOOK_TEST_EVENT: "WebhookTestEvent"
}
_SIGNATURE = (
    "Signed as the Standard Webhooks specification says: `webhook-id` (the event's id, "
    "the same on every attempt: deduplicate by it), `webhook-timestamp` (unix seconds) and "
    "`webhook-signature` (`v1,` + base64 of HMAC-SHA256 over `id.timestamp.body` with the "
    "endpoint's secret; during a rotation two signatures, space-separated). A 2xx within "
    "WEBHOOK_TIMEOUT_SECONDS is a success; anything else is retried on the schedule."
)
_HEADERS = {
    "webhook-id": "The event's id (`evt_…`), the same on every attempt.",
    "webhook-timestamp": "When the attempt was signed, in unix seconds.",
    "webhook-signature": "`v1,<base64>`; two such, space-separated, during a rotation.",
}


def _list_event_types() -> Operation:
    page = {"status": "ok", "data": event_type_resources(), "has_more": False, "next_cursor": None}
    return Operation(
        "get",
        EVENT_TYPES_PATH,
        "list_event_types",
        tag="Events",
        scope=READ,
        summary="List event types",
        description="Every type of event a webhook endpoint may be sent, with a line on what "
        "it means, in one page. Takes no query parameters (any is 422).",
        query=EventTypeListQuerySchema,
        success=success(200, "Every event type.", "EventTypeList", page),
        errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed)),
    )


LIST = _list_event_types()
RESOURCE = Resource("app.api.event_types", (LIST,))


def _webhook(name: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": "receive_" + name.replace(".", "_"),
            "tags": ["Webhooks"],
            "summary": f"`{name}` (sent to your endpoint)",
            "description": f"{DESCRIPTIONS[name]}\n\n{_SIGNATURE}",
            # The service calls you: no API key; the signature headers authenticate it.
            "security": [],
            "parameters": [
                {
                    "name": header,
                    "in": "header",
                    "required": True,
                    "description": description,
                    "schema": {"type": "string"},
                }
                for header, description in _HEADERS.items()
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref(PAYLOADS[name])}},
            },
            "responses": {
                "2XX": {"description": "Received: the delivery succeeded."},
                "default": {
                    "description": "Any other status, a timeout or no answer: the attempt "
                    "failed and is retried (a 410 disables the endpoint)."
                },
            },
        }
    }


def webhooks_section() -> dict[str, Any]:
    """The top-level `webhooks` of OpenAPI 3.1: one request a receiver gets, by type."""
    return {name: _webhook(name) for name in WEBHOOK_EVENT_TYPES}
