from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.recover_webhook_events import RecoverWebhookEvents
from ...models.webhook_recovery_envelope import WebhookRecoveryEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    body: RecoverWebhookEvents,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/modules/messaging/webhook_endpoints/{endpoint_id}/recover".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | WebhookRecoveryEnvelope:
    if response.status_code == 200:
        response_200 = WebhookRecoveryEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorEnvelope.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | WebhookRecoveryEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverWebhookEvents,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookRecoveryEnvelope]:
    """Recover the events a webhook endpoint missed

     Every event from `since` to `until` (default now), oldest first, that the endpoint subscribes to
    now, written after it was created, and not yet delivered to it with success, gets a delivery due
    now: a failed one is made pending again, one never made (for instance while the endpoint was
    disabled) is made. One call reads at most 1,000 events and 512 KiB of them (whole milliseconds):
    while `has_more` is true, call again with `since: next_since`. A `since` older than
    EVENT_RETENTION_DAYS reads from the oldest event kept. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. Honours Idempotency-Key (the outcome is recorded with the change).

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):
        body (RecoverWebhookEvents):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookRecoveryEnvelope]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverWebhookEvents,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookRecoveryEnvelope | None:
    """Recover the events a webhook endpoint missed

     Every event from `since` to `until` (default now), oldest first, that the endpoint subscribes to
    now, written after it was created, and not yet delivered to it with success, gets a delivery due
    now: a failed one is made pending again, one never made (for instance while the endpoint was
    disabled) is made. One call reads at most 1,000 events and 512 KiB of them (whole milliseconds):
    while `has_more` is true, call again with `since: next_since`. A `since` older than
    EVENT_RETENTION_DAYS reads from the oldest event kept. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. Honours Idempotency-Key (the outcome is recorded with the change).

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):
        body (RecoverWebhookEvents):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookRecoveryEnvelope
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverWebhookEvents,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookRecoveryEnvelope]:
    """Recover the events a webhook endpoint missed

     Every event from `since` to `until` (default now), oldest first, that the endpoint subscribes to
    now, written after it was created, and not yet delivered to it with success, gets a delivery due
    now: a failed one is made pending again, one never made (for instance while the endpoint was
    disabled) is made. One call reads at most 1,000 events and 512 KiB of them (whole milliseconds):
    while `has_more` is true, call again with `since: next_since`. A `since` older than
    EVENT_RETENTION_DAYS reads from the oldest event kept. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. Honours Idempotency-Key (the outcome is recorded with the change).

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):
        body (RecoverWebhookEvents):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookRecoveryEnvelope]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: RecoverWebhookEvents,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookRecoveryEnvelope | None:
    """Recover the events a webhook endpoint missed

     Every event from `since` to `until` (default now), oldest first, that the endpoint subscribes to
    now, written after it was created, and not yet delivered to it with success, gets a delivery due
    now: a failed one is made pending again, one never made (for instance while the endpoint was
    disabled) is made. One call reads at most 1,000 events and 512 KiB of them (whole milliseconds):
    while `has_more` is true, call again with `since: next_since`. A `since` older than
    EVENT_RETENTION_DAYS reads from the oldest event kept. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. Honours Idempotency-Key (the outcome is recorded with the change).

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):
        body (RecoverWebhookEvents):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookRecoveryEnvelope
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
