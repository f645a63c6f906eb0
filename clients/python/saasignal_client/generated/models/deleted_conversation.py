from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeletedConversation")


@_attrs_define
class DeletedConversation:
    """
    Attributes:
        id (str): The deleted conversation's id.
        object_ (Literal['conversation']):
        deleted (bool):
    """

    id: str
    object_: Literal["conversation"]
    deleted: bool

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        deleted = self.deleted

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "object": object_,
                "deleted": deleted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["conversation"], d.pop("object"))
        if object_ != "conversation":
            raise ValueError(f"object must match const 'conversation', got '{object_}'")

        deleted = d.pop("deleted")

        deleted_conversation = cls(
            id=id,
            object_=object_,
            deleted=deleted,
        )

        return deleted_conversation
