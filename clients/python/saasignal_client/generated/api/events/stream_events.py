from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.stream_type_filter import StreamTypeFilter
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    type_: StreamTypeFilter | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    params: dict[str, Any] = {}

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    params["conversation_id"] = conversation_id

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/modules/messaging/events/stream",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | str:
    if response.status_code == 200:
        response_200 = response.text
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorEnvelope | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    type_: StreamTypeFilter | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | str]:
    """Stream events as they happen

     The events feed live, over Server-Sent Events (docs/stream.md): `retry: 2000` first, then one
    message per event (`id` the event id, `event` its type, `data` the event object on one line), and a
    `: keep-alive` comment every 15 seconds. `Last-Event-ID` (sent by browsers when they reconnect) or
    `after` starts right after that event: every event since, in the feed's order, then the live ones,
    none missed and none twice. Without either, the stream starts with what is written after it opens.
    An id past retention or unknown starts with `event: reset` (`data: {"reason": "expired"}`), then
    every event still kept, oldest first.

    Opening costs the read price and every 100 events sent after the first 100 cost it again; when the
    balance cannot pay, the stream sends `event: error` with the error envelope (`insufficient_tokens`)
    and ends, as it does within 5 seconds of the key's revocation (`unauthorized`). At most
    STREAM_MAX_PER_KEY (default 10) streams are open at once per key: the next is 429. Refusals before
    the stream starts are JSON, as on every endpoint.

    Scope: `messaging:read`.

    Args:
        type_ (StreamTypeFilter | Unset): What the live stream sends: one event type, or a family
            (a prefix ending in `.*`).
        conversation_id (str | Unset):
        after (str | Unset):
        last_event_id (str | Unset):  Example: evt_01M8BVM4KV0000R6V8B0CE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | str]
    """

    kwargs = _get_kwargs(
        type_=type_,
        conversation_id=conversation_id,
        after=after,
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    type_: StreamTypeFilter | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> ErrorEnvelope | str | None:
    """Stream events as they happen

     The events feed live, over Server-Sent Events (docs/stream.md): `retry: 2000` first, then one
    message per event (`id` the event id, `event` its type, `data` the event object on one line), and a
    `: keep-alive` comment every 15 seconds. `Last-Event-ID` (sent by browsers when they reconnect) or
    `after` starts right after that event: every event since, in the feed's order, then the live ones,
    none missed and none twice. Without either, the stream starts with what is written after it opens.
    An id past retention or unknown starts with `event: reset` (`data: {"reason": "expired"}`), then
    every event still kept, oldest first.

    Opening costs the read price and every 100 events sent after the first 100 cost it again; when the
    balance cannot pay, the stream sends `event: error` with the error envelope (`insufficient_tokens`)
    and ends, as it does within 5 seconds of the key's revocation (`unauthorized`). At most
    STREAM_MAX_PER_KEY (default 10) streams are open at once per key: the next is 429. Refusals before
    the stream starts are JSON, as on every endpoint.

    Scope: `messaging:read`.

    Args:
        type_ (StreamTypeFilter | Unset): What the live stream sends: one event type, or a family
            (a prefix ending in `.*`).
        conversation_id (str | Unset):
        after (str | Unset):
        last_event_id (str | Unset):  Example: evt_01M8BVM4KV0000R6V8B0CE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | str
    """

    return sync_detailed(
        client=client,
        type_=type_,
        conversation_id=conversation_id,
        after=after,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    type_: StreamTypeFilter | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | str]:
    """Stream events as they happen

     The events feed live, over Server-Sent Events (docs/stream.md): `retry: 2000` first, then one
    message per event (`id` the event id, `event` its type, `data` the event object on one line), and a
    `: keep-alive` comment every 15 seconds. `Last-Event-ID` (sent by browsers when they reconnect) or
    `after` starts right after that event: every event since, in the feed's order, then the live ones,
    none missed and none twice. Without either, the stream starts with what is written after it opens.
    An id past retention or unknown starts with `event: reset` (`data: {"reason": "expired"}`), then
    every event still kept, oldest first.

    Opening costs the read price and every 100 events sent after the first 100 cost it again; when the
    balance cannot pay, the stream sends `event: error` with the error envelope (`insufficient_tokens`)
    and ends, as it does within 5 seconds of the key's revocation (`unauthorized`). At most
    STREAM_MAX_PER_KEY (default 10) streams are open at once per key: the next is 429. Refusals before
    the stream starts are JSON, as on every endpoint.

    Scope: `messaging:read`.

    Args:
        type_ (StreamTypeFilter | Unset): What the live stream sends: one event type, or a family
            (a prefix ending in `.*`).
        conversation_id (str | Unset):
        after (str | Unset):
        last_event_id (str | Unset):  Example: evt_01M8BVM4KV0000R6V8B0CE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | str]
    """

    kwargs = _get_kwargs(
        type_=type_,
        conversation_id=conversation_id,
        after=after,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    type_: StreamTypeFilter | Unset = UNSET,
    conversation_id: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> ErrorEnvelope | str | None:
    """Stream events as they happen

     The events feed live, over Server-Sent Events (docs/stream.md): `retry: 2000` first, then one
    message per event (`id` the event id, `event` its type, `data` the event object on one line), and a
    `: keep-alive` comment every 15 seconds. `Last-Event-ID` (sent by browsers when they reconnect) or
    `after` starts right after that event: every event since, in the feed's order, then the live ones,
    none missed and none twice. Without either, the stream starts with what is written after it opens.
    An id past retention or unknown starts with `event: reset` (`data: {"reason": "expired"}`), then
    every event still kept, oldest first.

    Opening costs the read price and every 100 events sent after the first 100 cost it again; when the
    balance cannot pay, the stream sends `event: error` with the error envelope (`insufficient_tokens`)
    and ends, as it does within 5 seconds of the key's revocation (`unauthorized`). At most
    STREAM_MAX_PER_KEY (default 10) streams are open at once per key: the next is 429. Refusals before
    the stream starts are JSON, as on every endpoint.

    Scope: `messaging:read`.

    Args:
        type_ (StreamTypeFilter | Unset): What the live stream sends: one event type, or a family
            (a prefix ending in `.*`).
        conversation_id (str | Unset):
        after (str | Unset):
        last_event_id (str | Unset):  Example: evt_01M8BVM4KV0000R6V8B0CE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | str
    """

    return (
        await asyncio_detailed(
            client=client,
            type_=type_,
            conversation_id=conversation_id,
            after=after,
            last_event_id=last_event_id,
        )
    ).parsed
