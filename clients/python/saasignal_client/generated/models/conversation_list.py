from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.conversation import Conversation


T = TypeVar("T", bound="ConversationList")


@_attrs_define
class ConversationList:
    """One page of `Conversation` objects, newest first.

    Attributes:
        status (Literal['ok']):
        data (list[Conversation]):
        has_more (bool): Whether another page follows.
        next_cursor (None | str): Pass as `cursor` (with the same type, status, order_by and metadata filter) for the
            next page; null when has_more is false.
    """

    status: Literal["ok"]
    data: list[Conversation]
    has_more: bool
    next_cursor: None | str

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        has_more = self.has_more

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "data": data,
                "has_more": has_more,
                "next_cursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conversation import Conversation  # noqa: PLC0415

        d = dict(src_dict)
        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Conversation.from_dict(data_item_data)

            data.append(data_item)

        has_more = d.pop("has_more")

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        conversation_list = cls(
            status=status,
            data=data,
            has_more=has_more,
            next_cursor=next_cursor,
        )

        return conversation_list
