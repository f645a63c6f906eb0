from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="WebhookRecovery")


@_attrs_define
class WebhookRecovery:
    """
    Attributes:
        object_ (Literal['webhook_recovery']):  Default: 'webhook_recovery'.
        deliveries (int): Deliveries made due by this call (failed or never made).
        has_more (bool): Whether events of the range are left: call again with `since: next_since` (and the same
            `until`).
        next_since (datetime.datetime | None): Where the next call starts; null when has_more is false.
    """

    deliveries: int
    has_more: bool
    next_since: datetime.datetime | None
    object_: Literal["webhook_recovery"] = "webhook_recovery"

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        deliveries = self.deliveries

        has_more = self.has_more

        next_since: None | str
        if isinstance(self.next_since, datetime.datetime):
            next_since = self.next_since.isoformat()
        else:
            next_since = self.next_since

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "deliveries": deliveries,
                "has_more": has_more,
                "next_since": next_since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal["webhook_recovery"], d.pop("object"))
        if object_ != "webhook_recovery":
            raise ValueError(f"object must match const 'webhook_recovery', got '{object_}'")

        deliveries = d.pop("deliveries")

        has_more = d.pop("has_more")

        def _parse_next_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_since_type_0 = datetime.datetime.fromisoformat(data)

                return next_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_since = _parse_next_since(d.pop("next_since"))

        webhook_recovery = cls(
            object_=object_,
            deliveries=deliveries,
            has_more=has_more,
            next_since=next_since,
        )

        return webhook_recovery
