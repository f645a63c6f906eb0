from typing import Literal

StreamTypeFilter = Literal[
    "conversation.*",
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
]

STREAM_TYPE_FILTER_VALUES: set[StreamTypeFilter] = {
    "conversation.*",
    "conversation.archived",
    "conversation.closed",
    "conversation.created",
    "conversation.deleted",
    "conversation.reopened",
    "conversation.updated",
}


def check_stream_type_filter(value: str) -> StreamTypeFilter:
    if value in STREAM_TYPE_FILTER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {STREAM_TYPE_FILTER_VALUES!r}")
