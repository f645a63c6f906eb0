from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConversationCountsByStatus")


@_attrs_define
class ConversationCountsByStatus:
    """
    Attributes:
        open_ (int):
        closed (int):
        archived (int):
    """

    open_: int
    closed: int
    archived: int

    def to_dict(self) -> dict[str, Any]:
        open_ = self.open_

        closed = self.closed

        archived = self.archived

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "open": open_,
                "closed": closed,
                "archived": archived,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        open_ = d.pop("open")

        closed = d.pop("closed")

        archived = d.pop("archived")

        conversation_counts_by_status = cls(
            open_=open_,
            closed=closed,
            archived=archived,
        )

        return conversation_counts_by_status
