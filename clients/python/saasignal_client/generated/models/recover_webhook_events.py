from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecoverWebhookEvents")


@_attrs_define
class RecoverWebhookEvents:
    """
    Attributes:
        since (datetime.datetime): RFC 3339, with its offset: the oldest time to look from. Older than
            EVENT_RETENTION_DAYS reads from the oldest event kept.
        until (datetime.datetime | Unset): RFC 3339, with its offset: the newest time, included. Default: now. Not
            before `since`; both in the years 1970 to 9999 (UTC), else 422.
    """

    since: datetime.datetime
    until: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        since = self.since.isoformat()

        until: str | Unset = UNSET
        if not isinstance(self.until, Unset):
            until = self.until.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "since": since,
            }
        )
        if until is not UNSET:
            field_dict["until"] = until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        since = datetime.datetime.fromisoformat(d.pop("since"))

        _until = d.pop("until", UNSET)
        until: datetime.datetime | Unset
        if isinstance(_until, Unset):
            until = UNSET
        else:
            until = datetime.datetime.fromisoformat(_until)

        recover_webhook_events = cls(
            since=since,
            until=until,
        )

        return recover_webhook_events
