from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_event_type import WebhookEventType, check_webhook_event_type

T = TypeVar("T", bound="EventTypeDefinition")


@_attrs_define
class EventTypeDefinition:
    """
    Attributes:
        object_ (Literal['event_type']):  Default: 'event_type'.
        type_ (WebhookEventType): Every type of event a webhook endpoint may be sent: the event types, and
            `webhook_endpoint.test` (sent on request by `POST …/test`, never in the feed).
        description (str): What happened, in one line.
    """

    type_: WebhookEventType
    description: str
    object_: Literal["event_type"] = "event_type"

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        type_: str = self.type_

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "type": type_,
                "description": description,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal["event_type"], d.pop("object"))
        if object_ != "event_type":
            raise ValueError(f"object must match const 'event_type', got '{object_}'")

        type_ = check_webhook_event_type(d.pop("type"))

        description = d.pop("description")

        event_type_definition = cls(
            object_=object_,
            type_=type_,
            description=description,
        )

        return event_type_definition
