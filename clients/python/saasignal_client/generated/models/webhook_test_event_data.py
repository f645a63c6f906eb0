from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.webhook_endpoint import WebhookEndpoint


T = TypeVar("T", bound="WebhookTestEventData")


@_attrs_define
class WebhookTestEventData:
    """
    Attributes:
        object_ (WebhookEndpoint):
    """

    object_: WebhookEndpoint

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_endpoint import WebhookEndpoint  # noqa: PLC0415

        d = dict(src_dict)
        object_ = WebhookEndpoint.from_dict(d.pop("object"))

        webhook_test_event_data = cls(
            object_=object_,
        )

        return webhook_test_event_data
