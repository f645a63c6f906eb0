from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.event_type import EventType, check_event_type

if TYPE_CHECKING:
    from ..models.event_data import EventData
    from ..models.event_request import EventRequest


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """
    Attributes:
        id (str): `evt_` and 22 characters; unique, never reused. Example: evt_01M8BVM4KV0000R6V8B0CE.
        object_ (Literal['event']):  Default: 'event'.
        type_ (EventType): What happened to a conversation: `conversation.updated` is a PATCH that changed something;
            the lifecycle types are moves that changed the status (no-ops write no event).
        created_at (datetime.datetime): When the change was committed.
        conversation_id (str): The id of the conversation that changed.
        data (EventData):
        request (EventRequest):
    """

    id: str
    type_: EventType
    created_at: datetime.datetime
    conversation_id: str
    data: EventData
    request: EventRequest
    object_: Literal["event"] = "event"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        type_: str = self.type_

        created_at = self.created_at.isoformat()

        conversation_id = self.conversation_id

        data = self.data.to_dict()

        request = self.request.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "object": object_,
                "type": type_,
                "created_at": created_at,
                "conversation_id": conversation_id,
                "data": data,
                "request": request,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_data import EventData  # noqa: PLC0415
        from ..models.event_request import EventRequest  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["event"], d.pop("object"))
        if object_ != "event":
            raise ValueError(f"object must match const 'event', got '{object_}'")

        type_ = check_event_type(d.pop("type"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        conversation_id = d.pop("conversation_id")

        data = EventData.from_dict(d.pop("data"))

        request = EventRequest.from_dict(d.pop("request"))

        event = cls(
            id=id,
            object_=object_,
            type_=type_,
            created_at=created_at,
            conversation_id=conversation_id,
            data=data,
            request=request,
        )

        return event
