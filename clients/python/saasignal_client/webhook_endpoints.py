"""`api.webhook_endpoints`: endpoints, their secrets and their deliveries."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from ._base import Resource
from .generated.api.webhooks import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    get_webhook_endpoint,
    list_webhook_deliveries,
    list_webhook_endpoints,
    retry_webhook_delivery,
    rotate_webhook_secret,
    update_webhook_endpoint,
)
from .generated.models import (
    CreateWebhookEndpoint,
    DeletedWebhookEndpoint,
    DeletedWebhookEndpointEnvelope,
    EnabledEvent,
    UpdateWebhookEndpoint,
    WebhookDelivery,
    WebhookDeliveryEnvelope,
    WebhookDeliveryList,
    WebhookEndpoint,
    WebhookEndpointEnvelope,
    WebhookEndpointList,
    WebhookEndpointStatus,
    WebhookEndpointWithSecret,
    WebhookEndpointWithSecretEnvelope,
)
from .generated.types import UNSET, Unset


class WebhookEndpoints(Resource):
    """Webhook endpoints of the key's account (`messaging:admin`). Errors raise `ApiError`."""

    def create(
        self,
        *,
        url: str,
        enabled_events: builtins.list[EnabledEvent] | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookEndpointWithSecret:
        """A new endpoint; its `secret` (verify deliveries with it) is shown only here."""
        body = CreateWebhookEndpoint(
            url=url,
            enabled_events=UNSET if enabled_events is None else enabled_events,
            description=UNSET if description is None else description,
        )
        return self._call(
            create_webhook_endpoint.sync_detailed,
            WebhookEndpointWithSecretEnvelope,
            body=body,
            idempotency_key=idempotency_key,
        ).data

    def get(self, endpoint_id: str) -> WebhookEndpoint:
        return self._call(
            get_webhook_endpoint.sync_detailed, WebhookEndpointEnvelope, endpoint_id
        ).data

    def list(self, *, limit: int | None = None, **filters: Any) -> Iterator[WebhookEndpoint]:
        """Every endpoint, newest first, fetched lazily `limit` a page."""
        return self._paginate(
            list_webhook_endpoints.sync_detailed, WebhookEndpointList, limit=limit, **filters
        )

    def update(
        self,
        endpoint_id: str,
        *,
        url: str | Unset = UNSET,
        enabled_events: builtins.list[EnabledEvent] | Unset = UNSET,
        description: str | None | Unset = UNSET,
        status: WebhookEndpointStatus | Unset = UNSET,
    ) -> WebhookEndpoint:
        """Change what is given; `status="disabled"` stops deliveries, "enabled" resumes."""
        body = UpdateWebhookEndpoint(
            url=url, enabled_events=enabled_events, description=description, status=status
        )
        return self._call(
            update_webhook_endpoint.sync_detailed, WebhookEndpointEnvelope, endpoint_id, body=body
        ).data

    def delete(self, endpoint_id: str) -> DeletedWebhookEndpoint:
        return self._call(
            delete_webhook_endpoint.sync_detailed, DeletedWebhookEndpointEnvelope, endpoint_id
        ).data

    def rotate_secret(
        self, endpoint_id: str, *, idempotency_key: str | None = None
    ) -> WebhookEndpointWithSecret:
        """A new secret; the old one keeps signing beside it for 24 hours."""
        return self._call(
            rotate_webhook_secret.sync_detailed,
            WebhookEndpointWithSecretEnvelope,
            endpoint_id,
            idempotency_key=idempotency_key,
        ).data

    def deliveries(
        self, endpoint_id: str, *, limit: int | None = None, **filters: Any
    ) -> Iterator[WebhookDelivery]:
        """Every delivery to the endpoint, newest first, fetched lazily `limit` a page."""
        return self._paginate(
            list_webhook_deliveries.sync_detailed,
            WebhookDeliveryList,
            endpoint_id,
            limit=limit,
            **filters,
        )

    def retry(
        self, endpoint_id: str, delivery_id: str, *, idempotency_key: str | None = None
    ) -> WebhookDelivery:
        """Attempt the delivery again now, failed ones included."""
        return self._call(
            retry_webhook_delivery.sync_detailed,
            WebhookDeliveryEnvelope,
            endpoint_id,
            delivery_id,
            idempotency_key=idempotency_key,
        ).data
