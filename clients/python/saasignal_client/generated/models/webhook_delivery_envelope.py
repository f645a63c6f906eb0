from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.webhook_delivery import WebhookDelivery


T = TypeVar("T", bound="WebhookDeliveryEnvelope")


@_attrs_define
class WebhookDeliveryEnvelope:
    """The success envelope of one `WebhookDelivery`.

    Attributes:
        status (Literal['ok']):
        data (WebhookDelivery):
    """

    status: Literal["ok"]
    data: WebhookDelivery

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
        from ..models.webhook_delivery import WebhookDelivery  # noqa: PLC0415

        d = dict(src_dict)
        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        data = WebhookDelivery.from_dict(d.pop("data"))

        webhook_delivery_envelope = cls(
            status=status,
            data=data,
        )

        return webhook_delivery_envelope
