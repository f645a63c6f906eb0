from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.deleted_conversation_envelope import DeletedConversationEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    conversation_id: str,
    *,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/modules/messaging/conversations/{conversation_id}".format(
            conversation_id=quote(str(conversation_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeletedConversationEnvelope | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = DeletedConversationEnvelope.from_dict(response.json())

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

    if response.status_code == 412:
        response_412 = ErrorEnvelope.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

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
) -> Response[DeletedConversationEnvelope | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    conversation_id: str,
    *,
    client: AuthenticatedClient,
    if_match: str | Unset = UNSET,
) -> Response[DeletedConversationEnvelope | ErrorEnvelope]:
    """Delete a conversation

     Removes it for good: afterwards it is 404 and no list shows it. Honours If-Match.

    Scope: `messaging:admin`.

    Args:
        conversation_id (str):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedConversationEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        conversation_id=conversation_id,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    conversation_id: str,
    *,
    client: AuthenticatedClient,
    if_match: str | Unset = UNSET,
) -> DeletedConversationEnvelope | ErrorEnvelope | None:
    """Delete a conversation

     Removes it for good: afterwards it is 404 and no list shows it. Honours If-Match.

    Scope: `messaging:admin`.

    Args:
        conversation_id (str):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedConversationEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        conversation_id=conversation_id,
        client=client,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    conversation_id: str,
    *,
    client: AuthenticatedClient,
    if_match: str | Unset = UNSET,
) -> Response[DeletedConversationEnvelope | ErrorEnvelope]:
    """Delete a conversation

     Removes it for good: afterwards it is 404 and no list shows it. Honours If-Match.

    Scope: `messaging:admin`.

    Args:
        conversation_id (str):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedConversationEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        conversation_id=conversation_id,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    conversation_id: str,
    *,
    client: AuthenticatedClient,
    if_match: str | Unset = UNSET,
) -> DeletedConversationEnvelope | ErrorEnvelope | None:
    """Delete a conversation

     Removes it for good: afterwards it is 404 and no list shows it. Honours If-Match.

    Scope: `messaging:admin`.

    Args:
        conversation_id (str):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedConversationEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            conversation_id=conversation_id,
            client=client,
            if_match=if_match,
        )
    ).parsed
