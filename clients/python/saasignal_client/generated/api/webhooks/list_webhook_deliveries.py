from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.webhook_delivery_list import WebhookDeliveryList
from ...models.webhook_delivery_status import WebhookDeliveryStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    status: WebhookDeliveryStatus | Unset = UNSET,
    event_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    params["event_id"] = event_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/modules/messaging/webhook_endpoints/{endpoint_id}/deliveries".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | WebhookDeliveryList:
    if response.status_code == 200:
        response_200 = WebhookDeliveryList.from_dict(response.json())

        return response_200

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

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

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
) -> Response[ErrorEnvelope | WebhookDeliveryList]:
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
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    status: WebhookDeliveryStatus | Unset = UNSET,
    event_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookDeliveryList]:
    """List a webhook endpoint's deliveries

     Newest first (by the event's time), kept EVENT_RETENTION_DAYS. Filters: `status`, and `event_id`
    (the one delivery of that event). A page filtered by status reads at most 1,000 deliveries, so it
    may hold fewer than `limit` (even none) while `has_more` is true: follow `next_cursor`. A cursor is
    bound to its endpoint and filters. Unknown or repeated parameters, bad values and a limit out of
    range are 422.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        status (WebhookDeliveryStatus | Unset): `pending` (an attempt is due or in flight),
            `succeeded` (a 2xx), `failed` (the retries ran out, or the endpoint was disabled or
            deleted).
        event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookDeliveryList]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        limit=limit,
        cursor=cursor,
        status=status,
        event_id=event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    status: WebhookDeliveryStatus | Unset = UNSET,
    event_id: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookDeliveryList | None:
    """List a webhook endpoint's deliveries

     Newest first (by the event's time), kept EVENT_RETENTION_DAYS. Filters: `status`, and `event_id`
    (the one delivery of that event). A page filtered by status reads at most 1,000 deliveries, so it
    may hold fewer than `limit` (even none) while `has_more` is true: follow `next_cursor`. A cursor is
    bound to its endpoint and filters. Unknown or repeated parameters, bad values and a limit out of
    range are 422.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        status (WebhookDeliveryStatus | Unset): `pending` (an attempt is due or in flight),
            `succeeded` (a 2xx), `failed` (the retries ran out, or the endpoint was disabled or
            deleted).
        event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookDeliveryList
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        limit=limit,
        cursor=cursor,
        status=status,
        event_id=event_id,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    status: WebhookDeliveryStatus | Unset = UNSET,
    event_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookDeliveryList]:
    """List a webhook endpoint's deliveries

     Newest first (by the event's time), kept EVENT_RETENTION_DAYS. Filters: `status`, and `event_id`
    (the one delivery of that event). A page filtered by status reads at most 1,000 deliveries, so it
    may hold fewer than `limit` (even none) while `has_more` is true: follow `next_cursor`. A cursor is
    bound to its endpoint and filters. Unknown or repeated parameters, bad values and a limit out of
    range are 422.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        status (WebhookDeliveryStatus | Unset): `pending` (an attempt is due or in flight),
            `succeeded` (a 2xx), `failed` (the retries ran out, or the endpoint was disabled or
            deleted).
        event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookDeliveryList]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        limit=limit,
        cursor=cursor,
        status=status,
        event_id=event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    status: WebhookDeliveryStatus | Unset = UNSET,
    event_id: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookDeliveryList | None:
    """List a webhook endpoint's deliveries

     Newest first (by the event's time), kept EVENT_RETENTION_DAYS. Filters: `status`, and `event_id`
    (the one delivery of that event). A page filtered by status reads at most 1,000 deliveries, so it
    may hold fewer than `limit` (even none) while `has_more` is true: follow `next_cursor`. A cursor is
    bound to its endpoint and filters. Unknown or repeated parameters, bad values and a limit out of
    range are 422.

    Scope: `messaging:admin`.

    Args:
        endpoint_id (str):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        status (WebhookDeliveryStatus | Unset): `pending` (an attempt is due or in flight),
            `succeeded` (a 2xx), `failed` (the retries ran out, or the endpoint was disabled or
            deleted).
        event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookDeliveryList
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            limit=limit,
            cursor=cursor,
            status=status,
            event_id=event_id,
        )
    ).parsed
