from typing import Literal

EventType = Literal[
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
]

EVENT_TYPE_VALUES: set[EventType] = {
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
}


def check_event_type(value: str) -> EventType:
    if value in EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EVENT_TYPE_VALUES!r}")
