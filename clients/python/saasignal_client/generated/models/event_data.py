from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.conversation import Conversation
    from ..models.previous_attributes import PreviousAttributes


T = TypeVar("T", bound="EventData")


@_attrs_define
class EventData:
    """
    Attributes:
        object_ (Conversation):
        previous_attributes (PreviousAttributes | Unset):
    """

    object_: Conversation
    previous_attributes: PreviousAttributes | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_.to_dict()

        previous_attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.previous_attributes, Unset):
            previous_attributes = self.previous_attributes.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
            }
        )
        if previous_attributes is not UNSET:
            field_dict["previous_attributes"] = previous_attributes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conversation import Conversation  # noqa: PLC0415
        from ..models.previous_attributes import PreviousAttributes  # noqa: PLC0415

        d = dict(src_dict)
        object_ = Conversation.from_dict(d.pop("object"))

        _previous_attributes = d.pop("previous_attributes", UNSET)
        previous_attributes: PreviousAttributes | Unset
        if isinstance(_previous_attributes, Unset):
            previous_attributes = UNSET
        else:
            previous_attributes = PreviousAttributes.from_dict(_previous_attributes)

        event_data = cls(
            object_=object_,
            previous_attributes=previous_attributes,
        )

        return event_data
