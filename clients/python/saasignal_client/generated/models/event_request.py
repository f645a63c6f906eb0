from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="EventRequest")


@_attrs_define
class EventRequest:
    """
    Attributes:
        id (str): The request's `X-Request-Id` (the client's own, or `req_...`).
        idempotency_key (None | str): The request's `Idempotency-Key`, or null when it sent none.
    """

    id: str
    idempotency_key: None | str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        idempotency_key: None | str
        idempotency_key = self.idempotency_key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "idempotency_key": idempotency_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_idempotency_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        idempotency_key = _parse_idempotency_key(d.pop("idempotency_key"))

        event_request = cls(
            id=id,
            idempotency_key=idempotency_key,
        )

        return event_request
