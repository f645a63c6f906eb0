from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_delivery_status import WebhookDeliveryStatus, check_webhook_delivery_status
from ..models.webhook_event_type import WebhookEventType, check_webhook_event_type

T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery:
    """
    Attributes:
        id (str):
        object_ (Literal['webhook_delivery']):  Default: 'webhook_delivery'.
        event_id (str): The event delivered (its `webhook-id` header).
        event_type (WebhookEventType): Every type of event a webhook endpoint may be sent: the event types, and
            `webhook_endpoint.test` (sent on request by `POST …/test`, never in the feed).
        status (WebhookDeliveryStatus): `pending` (an attempt is due or in flight), `succeeded` (a 2xx), `failed` (the
            retries ran out, or the endpoint was disabled or deleted).
        attempts (int): Started so far.
        last_attempt_at (datetime.datetime | None):
        last_status_code (int | None): The HTTP status of the last answer; null without one.
        last_error (None | str): Why the last attempt failed without an HTTP answer, or what dropped the delivery: e.g.
            `timeout`, `refused`, `dns`, `tls`, `blocked_address`, `endpoint_disabled`; null otherwise.
        next_attempt_at (datetime.datetime | None): When it is due; null unless pending.
    """

    id: str
    event_id: str
    event_type: WebhookEventType
    status: WebhookDeliveryStatus
    attempts: int
    last_attempt_at: datetime.datetime | None
    last_status_code: int | None
    last_error: None | str
    next_attempt_at: datetime.datetime | None
    object_: Literal["webhook_delivery"] = "webhook_delivery"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        event_id = self.event_id

        event_type: str = self.event_type

        status: str = self.status

        attempts = self.attempts

        last_attempt_at: None | str
        if isinstance(self.last_attempt_at, datetime.datetime):
            last_attempt_at = self.last_attempt_at.isoformat()
        else:
            last_attempt_at = self.last_attempt_at

        last_status_code: int | None
        last_status_code = self.last_status_code

        last_error: None | str
        last_error = self.last_error

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "object": object_,
                "event_id": event_id,
                "event_type": event_type,
                "status": status,
                "attempts": attempts,
                "last_attempt_at": last_attempt_at,
                "last_status_code": last_status_code,
                "last_error": last_error,
                "next_attempt_at": next_attempt_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["webhook_delivery"], d.pop("object"))
        if object_ != "webhook_delivery":
            raise ValueError(f"object must match const 'webhook_delivery', got '{object_}'")

        event_id = d.pop("event_id")

        event_type = check_webhook_event_type(d.pop("event_type"))

        status = check_webhook_delivery_status(d.pop("status"))

        attempts = d.pop("attempts")

        def _parse_last_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_attempt_at = _parse_last_attempt_at(d.pop("last_attempt_at"))

        def _parse_last_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        webhook_delivery = cls(
            id=id,
            object_=object_,
            event_id=event_id,
            event_type=event_type,
            status=status,
            attempts=attempts,
            last_attempt_at=last_attempt_at,
            last_status_code=last_status_code,
            last_error=last_error,
            next_attempt_at=next_attempt_at,
        )

        return webhook_delivery
