from typing import Literal

EnabledEvent = Literal[
    "*",
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
]

ENABLED_EVENT_VALUES: set[EnabledEvent] = {
    "*",
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
}


def check_enabled_event(value: str) -> EnabledEvent:
    if value in ENABLED_EVENT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ENABLED_EVENT_VALUES!r}")
