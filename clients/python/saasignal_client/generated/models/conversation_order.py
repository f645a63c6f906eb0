from typing import Literal

ConversationOrder = Literal["created_at", "updated_at"]

CONVERSATION_ORDER_VALUES: set[ConversationOrder] = {
    "created_at",
    "updated_at",
}


def check_conversation_order(value: str) -> ConversationOrder:
    if value in CONVERSATION_ORDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONVERSATION_ORDER_VALUES!r}")
