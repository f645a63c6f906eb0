"""`api.webhook_endpoints`: endpoints, their secrets and their deliveries."""

from __future__ import annotations

import builtins
import datetime
from collections.abc import Iterator
from typing import Any

from ._base import Resource
from .generated.api.webhooks import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    get_webhook_delivery,
    get_webhook_endpoint,
    list_webhook_attempts,
    list_webhook_deliveries,
    list_webhook_endpoints,
    recover_webhook_events,
    retry_webhook_delivery,
    rotate_webhook_secret,
    send_webhook_test,
    update_webhook_endpoint,
)
from .generated.models import (
    CreateWebhookEndpoint,
    DeletedWebhookEndpoint,
    DeletedWebhookEndpointEnvelope,
    EnabledEvent,
    RecoverWebhookEvents,
    UpdateWebhookEndpoint,
    WebhookAttempt,
    WebhookAttemptList,
    WebhookDelivery,
    WebhookDeliveryEnvelope,
    WebhookDeliveryList,
    WebhookEndpoint,
    WebhookEndpointEnvelope,
    WebhookEndpointList,
    WebhookEndpointStatus,
    WebhookEndpointWithSecret,
    WebhookEndpointWithSecretEnvelope,
    WebhookRecovery,
    WebhookRecoveryEnvelope,
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

    def delivery(self, endpoint_id: str, delivery_id: str) -> WebhookDelivery:
        """One delivery to the endpoint."""
        return self._call(
            get_webhook_delivery.sync_detailed, WebhookDeliveryEnvelope, endpoint_id, delivery_id
        ).data

    def attempts(self, endpoint_id: str, delivery_id: str) -> builtins.list[WebhookAttempt]:
        """The delivery's last 10 attempts, newest first, with what the receiver answered."""
        return self._call(
            list_webhook_attempts.sync_detailed, WebhookAttemptList, endpoint_id, delivery_id
        ).data

    def send_test(self, endpoint_id: str, *, idempotency_key: str | None = None) -> WebhookDelivery:
        """Send the endpoint alone a `webhook_endpoint.test` event; its delivery."""
        return self._call(
            send_webhook_test.sync_detailed,
            WebhookDeliveryEnvelope,
            endpoint_id,
            idempotency_key=idempotency_key,
        ).data

    def recover(
        self,
        endpoint_id: str,
        *,
        since: datetime.datetime,
        until: datetime.datetime | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookRecovery:
        """Make due again what the endpoint missed between `since` and `until` (default now),
        oldest first, 1,000 events a call: call again from `next_since` while `has_more`."""
        body = RecoverWebhookEvents(since=since, until=UNSET if until is None else until)
        return self._call(
            recover_webhook_events.sync_detailed,
            WebhookRecoveryEnvelope,
            endpoint_id,
            body=body,
            idempotency_key=idempotency_key,
        ).data
