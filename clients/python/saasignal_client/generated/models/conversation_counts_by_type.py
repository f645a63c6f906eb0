from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConversationCountsByType")


@_attrs_define
class ConversationCountsByType:
    """
    Attributes:
        direct (int):
        group (int):
    """

    direct: int
    group: int

    def to_dict(self) -> dict[str, Any]:
        direct = self.direct

        group = self.group

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "direct": direct,
                "group": group,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        direct = d.pop("direct")

        group = d.pop("group")

        conversation_counts_by_type = cls(
            direct=direct,
            group=group,
        )

        return conversation_counts_by_type
