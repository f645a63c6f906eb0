from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.enabled_event import EnabledEvent, check_enabled_event
from ..models.webhook_endpoint_status import WebhookEndpointStatus, check_webhook_endpoint_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateWebhookEndpoint")


@_attrs_define
class UpdateWebhookEndpoint:
    """
    Attributes:
        url (str | Unset): An absolute `https://` URL without user information, at most 2048 characters, whose host is
            not, and does not resolve to, a loopback, private, link-local, shared (100.64/10), multicast, reserved or
            unspecified address (WEBHOOK_ALLOW_PRIVATE_TARGETS=1 allows `http://` and every address). Redirects are never
            followed.
        enabled_events (list[EnabledEvent] | Unset): `["*"]` for every event type, or a non-empty list of distinct event
            types. An event is sent to the endpoint when it is written while the endpoint is enabled and subscribes to its
            type.
        description (None | str | Unset): Yours to fill, or null.
        status (WebhookEndpointStatus | Unset): Whether events are sent to a webhook endpoint.
    """

    url: str | Unset = UNSET
    enabled_events: list[EnabledEvent] | Unset = UNSET
    description: None | str | Unset = UNSET
    status: WebhookEndpointStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        enabled_events: list[str] | Unset = UNSET
        if not isinstance(self.enabled_events, Unset):
            enabled_events = []
            for enabled_events_item_data in self.enabled_events:
                enabled_events_item: str = enabled_events_item_data
                enabled_events.append(enabled_events_item)

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if enabled_events is not UNSET:
            field_dict["enabled_events"] = enabled_events
        if description is not UNSET:
            field_dict["description"] = description
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url", UNSET)

        _enabled_events = d.pop("enabled_events", UNSET)
        enabled_events: list[EnabledEvent] | Unset = UNSET
        if _enabled_events is not UNSET:
            enabled_events = []
            for enabled_events_item_data in _enabled_events:
                enabled_events_item = check_enabled_event(enabled_events_item_data)

                enabled_events.append(enabled_events_item)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _status = d.pop("status", UNSET)
        status: WebhookEndpointStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_webhook_endpoint_status(_status)

        update_webhook_endpoint = cls(
            url=url,
            enabled_events=enabled_events,
            description=description,
            status=status,
        )

        return update_webhook_endpoint
