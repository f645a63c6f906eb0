from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.conversation_counts_by_status import ConversationCountsByStatus
    from ..models.conversation_counts_by_type import ConversationCountsByType


T = TypeVar("T", bound="ConversationCounts")


@_attrs_define
class ConversationCounts:
    """
    Attributes:
        object_ (Literal['conversation_counts']):  Default: 'conversation_counts'.
        total (int):
        by_status (ConversationCountsByStatus):
        by_type (ConversationCountsByType):
    """

    total: int
    by_status: ConversationCountsByStatus
    by_type: ConversationCountsByType
    object_: Literal["conversation_counts"] = "conversation_counts"

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        total = self.total

        by_status = self.by_status.to_dict()

        by_type = self.by_type.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "total": total,
                "by_status": by_status,
                "by_type": by_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conversation_counts_by_status import ConversationCountsByStatus  # noqa: PLC0415
        from ..models.conversation_counts_by_type import ConversationCountsByType  # noqa: PLC0415

        d = dict(src_dict)
        object_ = cast(Literal["conversation_counts"], d.pop("object"))
        if object_ != "conversation_counts":
            raise ValueError(f"object must match const 'conversation_counts', got '{object_}'")

        total = d.pop("total")

        by_status = ConversationCountsByStatus.from_dict(d.pop("by_status"))

        by_type = ConversationCountsByType.from_dict(d.pop("by_type"))

        conversation_counts = cls(
            object_=object_,
            total=total,
            by_status=by_status,
            by_type=by_type,
        )

        return conversation_counts
