from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.deleted_conversation import DeletedConversation


T = TypeVar("T", bound="DeletedConversationEnvelope")


@_attrs_define
class DeletedConversationEnvelope:
    """The success envelope of one `DeletedConversation`.

    Attributes:
        status (Literal['ok']):
        data (DeletedConversation):
    """

    status: Literal["ok"]
    data: DeletedConversation

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
        from ..models.deleted_conversation import DeletedConversation  # noqa: PLC0415

        d = dict(src_dict)
        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        data = DeletedConversation.from_dict(d.pop("data"))

        deleted_conversation_envelope = cls(
            status=status,
            data=data,
        )

        return deleted_conversation_envelope
