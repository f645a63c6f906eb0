from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.create_webhook_endpoint import CreateWebhookEndpoint
from ...models.error_envelope import ErrorEnvelope
from ...models.webhook_endpoint_with_secret_envelope import WebhookEndpointWithSecretEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateWebhookEndpoint,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/modules/messaging/webhook_endpoints",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | WebhookEndpointWithSecretEnvelope:
    if response.status_code == 201:
        response_201 = WebhookEndpointWithSecretEnvelope.from_dict(response.json())

        return response_201

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
) -> Response[ErrorEnvelope | WebhookEndpointWithSecretEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookEndpoint,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookEndpointWithSecretEnvelope]:
    """Create a webhook endpoint

     Every event the account writes from now on whose type the endpoint subscribes to is POSTed to its
    URL, signed. A URL that is not `https://`, carries user information, is over 2,048 characters, or
    whose host is or resolves to a non-public address is 422 `validation_error` with `details.url`. An
    account has at most 16 endpoints (422 `too_many_webhook_endpoints` past that). Honours Idempotency-
    Key: a replay shows the same endpoint and secret.

    Scope: `messaging:admin`.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookEndpointWithSecretEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookEndpoint,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookEndpointWithSecretEnvelope | None:
    """Create a webhook endpoint

     Every event the account writes from now on whose type the endpoint subscribes to is POSTed to its
    URL, signed. A URL that is not `https://`, carries user information, is over 2,048 characters, or
    whose host is or resolves to a non-public address is 422 `validation_error` with `details.url`. An
    account has at most 16 endpoints (422 `too_many_webhook_endpoints` past that). Honours Idempotency-
    Key: a replay shows the same endpoint and secret.

    Scope: `messaging:admin`.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookEndpointWithSecretEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookEndpoint,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorEnvelope | WebhookEndpointWithSecretEnvelope]:
    """Create a webhook endpoint

     Every event the account writes from now on whose type the endpoint subscribes to is POSTed to its
    URL, signed. A URL that is not `https://`, carries user information, is over 2,048 characters, or
    whose host is or resolves to a non-public address is 422 `validation_error` with `details.url`. An
    account has at most 16 endpoints (422 `too_many_webhook_endpoints` past that). Honours Idempotency-
    Key: a replay shows the same endpoint and secret.

    Scope: `messaging:admin`.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WebhookEndpointWithSecretEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateWebhookEndpoint,
    idempotency_key: str | Unset = UNSET,
) -> ErrorEnvelope | WebhookEndpointWithSecretEnvelope | None:
    """Create a webhook endpoint

     Every event the account writes from now on whose type the endpoint subscribes to is POSTed to its
    URL, signed. A URL that is not `https://`, carries user information, is over 2,048 characters, or
    whose host is or resolves to a non-public address is 422 `validation_error` with `details.url`. An
    account has at most 16 endpoints (422 `too_many_webhook_endpoints` past that). Honours Idempotency-
    Key: a replay shows the same endpoint and secret.

    Scope: `messaging:admin`.

    Args:
        idempotency_key (str | Unset):
        body (CreateWebhookEndpoint):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WebhookEndpointWithSecretEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
