from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.event_list import EventList
from ...models.event_type import EventType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: EventType | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    params["conversation_id"] = conversation_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/modules/messaging/events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | EventList:
    if response.status_code == 200:
        response_200 = EventList.from_dict(response.json())

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
) -> Response[ErrorEnvelope | EventList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: EventType | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | EventList]:
    """List events

     Every change to a conversation, newest first, kept EVENT_RETENTION_DAYS (default 30). Each event is
    written in the same atomic step as its change: the feed never misses a change and never shows one
    that did not happen. Walking the pages never returns an event twice and skips none. A filtered page
    reads at most 1,000 events, so it may hold fewer than `limit` (even none) while `has_more` is true:
    follow `next_cursor`. Unknown or repeated parameters, bad values and a limit out of range are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (EventType | Unset): What happened to a conversation: `conversation.updated` is a
            PATCH that changed something; the lifecycle types are moves that changed the status (no-
            ops write no event).
        conversation_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | EventList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        conversation_id=conversation_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: EventType | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
) -> ErrorEnvelope | EventList | None:
    """List events

     Every change to a conversation, newest first, kept EVENT_RETENTION_DAYS (default 30). Each event is
    written in the same atomic step as its change: the feed never misses a change and never shows one
    that did not happen. Walking the pages never returns an event twice and skips none. A filtered page
    reads at most 1,000 events, so it may hold fewer than `limit` (even none) while `has_more` is true:
    follow `next_cursor`. Unknown or repeated parameters, bad values and a limit out of range are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (EventType | Unset): What happened to a conversation: `conversation.updated` is a
            PATCH that changed something; the lifecycle types are moves that changed the status (no-
            ops write no event).
        conversation_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | EventList
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        type_=type_,
        conversation_id=conversation_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: EventType | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | EventList]:
    """List events

     Every change to a conversation, newest first, kept EVENT_RETENTION_DAYS (default 30). Each event is
    written in the same atomic step as its change: the feed never misses a change and never shows one
    that did not happen. Walking the pages never returns an event twice and skips none. A filtered page
    reads at most 1,000 events, so it may hold fewer than `limit` (even none) while `has_more` is true:
    follow `next_cursor`. Unknown or repeated parameters, bad values and a limit out of range are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (EventType | Unset): What happened to a conversation: `conversation.updated` is a
            PATCH that changed something; the lifecycle types are moves that changed the status (no-
            ops write no event).
        conversation_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | EventList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        conversation_id=conversation_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: EventType | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
) -> ErrorEnvelope | EventList | None:
    """List events

     Every change to a conversation, newest first, kept EVENT_RETENTION_DAYS (default 30). Each event is
    written in the same atomic step as its change: the feed never misses a change and never shows one
    that did not happen. Walking the pages never returns an event twice and skips none. A filtered page
    reads at most 1,000 events, so it may hold fewer than `limit` (even none) while `has_more` is true:
    follow `next_cursor`. Unknown or repeated parameters, bad values and a limit out of range are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (EventType | Unset): What happened to a conversation: `conversation.updated` is a
            PATCH that changed something; the lifecycle types are moves that changed the status (no-
            ops write no event).
        conversation_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | EventList
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            type_=type_,
            conversation_id=conversation_id,
        )
    ).parsed
