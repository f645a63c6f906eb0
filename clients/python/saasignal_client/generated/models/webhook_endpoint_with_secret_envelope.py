from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.webhook_endpoint_with_secret import WebhookEndpointWithSecret


T = TypeVar("T", bound="WebhookEndpointWithSecretEnvelope")


@_attrs_define
class WebhookEndpointWithSecretEnvelope:
    """The success envelope of one `WebhookEndpointWithSecret`.

    Attributes:
        status (Literal['ok']):
        data (WebhookEndpointWithSecret):
    """

    status: Literal["ok"]
    data: WebhookEndpointWithSecret

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
        from ..models.webhook_endpoint_with_secret import WebhookEndpointWithSecret  # noqa: PLC0415

        d = dict(src_dict)
        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        data = WebhookEndpointWithSecret.from_dict(d.pop("data"))

        webhook_endpoint_with_secret_envelope = cls(
            status=status,
            data=data,
        )

        return webhook_endpoint_with_secret_envelope
