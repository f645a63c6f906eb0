from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.empty_body import EmptyBody
from ...models.error_envelope import ErrorEnvelope
from ...models.webhook_delivery_envelope import WebhookDeliveryEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    delivery_id: str,
    *,
    body: EmptyBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/modules/messaging/webhook_endpoints/{endpoint_id}/deliveries/{delivery_id}/retry".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
            delivery_id=quote(str(delivery_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | WebhookDeliveryEnvelope:
    if response.status_code == 200:
        response_200 = WebhookDeliveryEnvelope.from_dict(response.json())

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
) -> Response[ErrorEnvelope | WebhookDeliveryEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    body: EmptyBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookDeliveryEnvelope]:
    """Retry a webhook delivery

     Makes the delivery's next attempt due now, whatever its status (a `failed` one too); while an
    attempt is in flight, the retry follows it if it fails. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. The body is empty or `{}`. Honours Idempotency-Key.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        delivery_id (str):
        idempotency_key (str | Unset):
        body (EmptyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookDeliveryEnvelope]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    body: EmptyBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookDeliveryEnvelope | None:
    """Retry a webhook delivery

     Makes the delivery's next attempt due now, whatever its status (a `failed` one too); while an
    attempt is in flight, the retry follows it if it fails. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. The body is empty or `{}`. Honours Idempotency-Key.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        delivery_id (str):
        idempotency_key (str | Unset):
        body (EmptyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookDeliveryEnvelope
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    body: EmptyBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookDeliveryEnvelope]:
    """Retry a webhook delivery

     Makes the delivery's next attempt due now, whatever its status (a `failed` one too); while an
    attempt is in flight, the retry follows it if it fails. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. The body is empty or `{}`. Honours Idempotency-Key.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        delivery_id (str):
        idempotency_key (str | Unset):
        body (EmptyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookDeliveryEnvelope]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        delivery_id=delivery_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    delivery_id: str,
    *,
    client: AuthenticatedClient,
    body: EmptyBody | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookDeliveryEnvelope | None:
    """Retry a webhook delivery

     Makes the delivery's next attempt due now, whatever its status (a `failed` one too); while an
    attempt is in flight, the retry follows it if it fails. 409 `webhook_endpoint_disabled` while the
    endpoint is disabled. The body is empty or `{}`. Honours Idempotency-Key.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        delivery_id (str):
        idempotency_key (str | Unset):
        body (EmptyBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookDeliveryEnvelope
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            delivery_id=delivery_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
