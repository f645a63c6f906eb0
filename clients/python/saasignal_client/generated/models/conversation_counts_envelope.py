from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.conversation_counts import ConversationCounts


T = TypeVar("T", bound="ConversationCountsEnvelope")


@_attrs_define
class ConversationCountsEnvelope:
    """The success envelope of one `ConversationCounts`.

    Attributes:
        status (Literal['ok']):
        data (ConversationCounts):
    """

    status: Literal["ok"]
    data: ConversationCounts

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conversation_counts import ConversationCounts  # noqa: PLC0415

        d = dict(src_dict)
        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        data = ConversationCounts.from_dict(d.pop("data"))

        conversation_counts_envelope = cls(
            status=status,
            data=data,
        )

        return conversation_counts_envelope
