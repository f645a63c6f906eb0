from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.deleted_webhook_endpoint import DeletedWebhookEndpoint


T = TypeVar("T", bound="DeletedWebhookEndpointEnvelope")


@_attrs_define
class DeletedWebhookEndpointEnvelope:
    """The success envelope of one `DeletedWebhookEndpoint`.

    Attributes:
        status (Literal['ok']):
        data (DeletedWebhookEndpoint):
    """

    status: Literal["ok"]
    data: DeletedWebhookEndpoint

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
        from ..models.deleted_webhook_endpoint import DeletedWebhookEndpoint  # noqa: PLC0415

        d = dict(src_dict)
        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        data = DeletedWebhookEndpoint.from_dict(d.pop("data"))

        deleted_webhook_endpoint_envelope = cls(
            status=status,
            data=data,
        )

        return deleted_webhook_endpoint_envelope
