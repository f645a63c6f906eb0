from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.event_request import EventRequest
    from ..models.webhook_test_event_data import WebhookTestEventData


T = TypeVar("T", bound="WebhookTestEvent")


@_attrs_define
class WebhookTestEvent:
    """
    Attributes:
        id (str): `evt_` and 22 characters, as every event's: its `webhook-id`.
        object_ (Literal['event']):  Default: 'event'.
        type_ (Literal['webhook_endpoint.test']):  Default: 'webhook_endpoint.test'.
        created_at (datetime.datetime): When it was asked for.
        data (WebhookTestEventData):
        request (EventRequest):
    """

    id: str
    created_at: datetime.datetime
    data: WebhookTestEventData
    request: EventRequest
    object_: Literal["event"] = "event"
    type_: Literal["webhook_endpoint.test"] = "webhook_endpoint.test"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        type_ = self.type_

        created_at = self.created_at.isoformat()

        data = self.data.to_dict()

        request = self.request.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "object": object_,
                "type": type_,
                "created_at": created_at,
                "data": data,
                "request": request,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_request import EventRequest  # noqa: PLC0415
        from ..models.webhook_test_event_data import WebhookTestEventData  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["event"], d.pop("object"))
        if object_ != "event":
            raise ValueError(f"object must match const 'event', got '{object_}'")

        type_ = cast(Literal["webhook_endpoint.test"], d.pop("type"))
        if type_ != "webhook_endpoint.test":
            raise ValueError(f"type must match const 'webhook_endpoint.test', got '{type_}'")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        data = WebhookTestEventData.from_dict(d.pop("data"))

        request = EventRequest.from_dict(d.pop("request"))

        webhook_test_event = cls(
            id=id,
            object_=object_,
            type_=type_,
            created_at=created_at,
            data=data,
            request=request,
        )

        return webhook_test_event
