from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.enabled_event import EnabledEvent, check_enabled_event
from ..models.webhook_disabled_reason import WebhookDisabledReason, check_webhook_disabled_reason
from ..models.webhook_endpoint_status import WebhookEndpointStatus, check_webhook_endpoint_status

T = TypeVar("T", bound="WebhookEndpoint")


@_attrs_define
class WebhookEndpoint:
    """
    Attributes:
        id (str):  Example: we_4Jq24Jq24Jq24Jq24Jq24Jq2.
        object_ (Literal['webhook_endpoint']):  Default: 'webhook_endpoint'.
        url (str): An absolute `https://` URL without user information, at most 2048 characters, whose host is not, and
            does not resolve to, a loopback, private, link-local, shared (100.64/10), multicast, reserved or unspecified
            address (WEBHOOK_ALLOW_PRIVATE_TARGETS=1 allows `http://` and every address). Redirects are never followed.
        enabled_events (list[EnabledEvent]): `["*"]` for every event type, or a non-empty list of distinct event types.
            An event is sent to the endpoint when it is written while the endpoint is enabled and subscribes to its type.
        description (None | str): Yours to fill, or null.
        status (WebhookEndpointStatus): Whether events are sent to a webhook endpoint.
        disabled_reason (None | WebhookDisabledReason): Why it is disabled; null while enabled.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: str
    url: str
    enabled_events: list[EnabledEvent]
    description: None | str
    status: WebhookEndpointStatus
    disabled_reason: None | WebhookDisabledReason
    created_at: datetime.datetime
    updated_at: datetime.datetime
    object_: Literal["webhook_endpoint"] = "webhook_endpoint"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        url = self.url

        enabled_events = []
        for enabled_events_item_data in self.enabled_events:
            enabled_events_item: str = enabled_events_item_data
            enabled_events.append(enabled_events_item)

        description: None | str
        description = self.description

        status: str = self.status

        disabled_reason: None | str
        if isinstance(self.disabled_reason, str):
            disabled_reason = self.disabled_reason
        else:
            disabled_reason = self.disabled_reason

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "object": object_,
                "url": url,
                "enabled_events": enabled_events,
                "description": description,
                "status": status,
                "disabled_reason": disabled_reason,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["webhook_endpoint"], d.pop("object"))
        if object_ != "webhook_endpoint":
            raise ValueError(f"object must match const 'webhook_endpoint', got '{object_}'")

        url = d.pop("url")

        enabled_events = []
        _enabled_events = d.pop("enabled_events")
        for enabled_events_item_data in _enabled_events:
            enabled_events_item = check_enabled_event(enabled_events_item_data)

            enabled_events.append(enabled_events_item)

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        status = check_webhook_endpoint_status(d.pop("status"))

        def _parse_disabled_reason(data: object) -> None | WebhookDisabledReason:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_reason_type_0 = check_webhook_disabled_reason(data)

                return disabled_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | WebhookDisabledReason, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        webhook_endpoint = cls(
            id=id,
            object_=object_,
            url=url,
            enabled_events=enabled_events,
            description=description,
            status=status,
            disabled_reason=disabled_reason,
            created_at=created_at,
            updated_at=updated_at,
        )

        return webhook_endpoint
