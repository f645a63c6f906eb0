from typing import Literal

WebhookEventType = Literal[
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
    "webhook_endpoint.test",
]

WEBHOOK_EVENT_TYPE_VALUES: set[WebhookEventType] = {
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
    "webhook_endpoint.test",
}


def check_webhook_event_type(value: str) -> WebhookEventType:
    if value in WEBHOOK_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_EVENT_TYPE_VALUES!r}")
