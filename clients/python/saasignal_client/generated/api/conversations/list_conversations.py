from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.conversation_list import ConversationList
from ...models.conversation_order import ConversationOrder
from ...models.conversation_status import ConversationStatus
from ...models.conversation_type import ConversationType
from ...models.error_envelope import ErrorEnvelope
from ...models.metadata_filter import MetadataFilter
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: ConversationType | Unset = UNSET,
    status: ConversationStatus | Unset = UNSET,
    order_by: ConversationOrder | Unset = UNSET,
    metadata: MetadataFilter | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    json_order_by: str | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = order_by

    params["order_by"] = json_order_by

    json_metadata: dict[str, Any] | Unset = UNSET
    if not isinstance(metadata, Unset):
        json_metadata = metadata.to_dict()
    if not isinstance(json_metadata, Unset):
        params.update(json_metadata)

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/modules/messaging/conversations",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConversationList | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = ConversationList.from_dict(response.json())

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
) -> Response[ConversationList | ErrorEnvelope]:
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
    type_: ConversationType | Unset = UNSET,
    status: ConversationStatus | Unset = UNSET,
    order_by: ConversationOrder | Unset = UNSET,
    metadata: MetadataFilter | Unset = UNSET,
) -> Response[ConversationList | ErrorEnvelope]:
    """List conversations

     Newest first, by creation or (`order_by=updated_at`) by last change. By creation, walking the pages
    never returns a conversation twice, and returns every one that matched the filter for the whole
    walk. By last change, a walk returns once every match that did not change during it, and one that
    changed at most once. A page that combines a metadata filter with `type` or `status` reads at most
    1,000 entries, so it may hold fewer than `limit` while `has_more` is true. Unknown or repeated
    parameters, bad values, a limit out of range and a second metadata filter are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (ConversationType | Unset): A conversation's type, fixed at creation.
        status (ConversationStatus | Unset): Where a conversation is in its lifecycle.
        order_by (ConversationOrder | Unset): What a list is ordered by, newest first: creation or
            last change.
        metadata (MetadataFilter | Unset): One metadata filter (docs/conversations.md), `{"<key>":
            "<value>"}`, sent as the query parameter `metadata[<key>]=<value>`: conversations whose
            metadata has the top-level `<key>` holding the string `<value>`, or a number, `true` or
            `false` whose JSON text is `<value>`. Nested objects, arrays, null and strings over 256
            characters never match.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConversationList | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        status=status,
        order_by=order_by,
        metadata=metadata,
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
    type_: ConversationType | Unset = UNSET,
    status: ConversationStatus | Unset = UNSET,
    order_by: ConversationOrder | Unset = UNSET,
    metadata: MetadataFilter | Unset = UNSET,
) -> ConversationList | ErrorEnvelope | None:
    """List conversations

     Newest first, by creation or (`order_by=updated_at`) by last change. By creation, walking the pages
    never returns a conversation twice, and returns every one that matched the filter for the whole
    walk. By last change, a walk returns once every match that did not change during it, and one that
    changed at most once. A page that combines a metadata filter with `type` or `status` reads at most
    1,000 entries, so it may hold fewer than `limit` while `has_more` is true. Unknown or repeated
    parameters, bad values, a limit out of range and a second metadata filter are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (ConversationType | Unset): A conversation's type, fixed at creation.
        status (ConversationStatus | Unset): Where a conversation is in its lifecycle.
        order_by (ConversationOrder | Unset): What a list is ordered by, newest first: creation or
            last change.
        metadata (MetadataFilter | Unset): One metadata filter (docs/conversations.md), `{"<key>":
            "<value>"}`, sent as the query parameter `metadata[<key>]=<value>`: conversations whose
            metadata has the top-level `<key>` holding the string `<value>`, or a number, `true` or
            `false` whose JSON text is `<value>`. Nested objects, arrays, null and strings over 256
            characters never match.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConversationList | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        type_=type_,
        status=status,
        order_by=order_by,
        metadata=metadata,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: ConversationType | Unset = UNSET,
    status: ConversationStatus | Unset = UNSET,
    order_by: ConversationOrder | Unset = UNSET,
    metadata: MetadataFilter | Unset = UNSET,
) -> Response[ConversationList | ErrorEnvelope]:
    """List conversations

     Newest first, by creation or (`order_by=updated_at`) by last change. By creation, walking the pages
    never returns a conversation twice, and returns every one that matched the filter for the whole
    walk. By last change, a walk returns once every match that did not change during it, and one that
    changed at most once. A page that combines a metadata filter with `type` or `status` reads at most
    1,000 entries, so it may hold fewer than `limit` while `has_more` is true. Unknown or repeated
    parameters, bad values, a limit out of range and a second metadata filter are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (ConversationType | Unset): A conversation's type, fixed at creation.
        status (ConversationStatus | Unset): Where a conversation is in its lifecycle.
        order_by (ConversationOrder | Unset): What a list is ordered by, newest first: creation or
            last change.
        metadata (MetadataFilter | Unset): One metadata filter (docs/conversations.md), `{"<key>":
            "<value>"}`, sent as the query parameter `metadata[<key>]=<value>`: conversations whose
            metadata has the top-level `<key>` holding the string `<value>`, or a number, `true` or
            `false` whose JSON text is `<value>`. Nested objects, arrays, null and strings over 256
            characters never match.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConversationList | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        status=status,
        order_by=order_by,
        metadata=metadata,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,
    type_: ConversationType | Unset = UNSET,
    status: ConversationStatus | Unset = UNSET,
    order_by: ConversationOrder | Unset = UNSET,
    metadata: MetadataFilter | Unset = UNSET,
) -> ConversationList | ErrorEnvelope | None:
    """List conversations

     Newest first, by creation or (`order_by=updated_at`) by last change. By creation, walking the pages
    never returns a conversation twice, and returns every one that matched the filter for the whole
    walk. By last change, a walk returns once every match that did not change during it, and one that
    changed at most once. A page that combines a metadata filter with `type` or `status` reads at most
    1,000 entries, so it may hold fewer than `limit` while `has_more` is true. Unknown or repeated
    parameters, bad values, a limit out of range and a second metadata filter are 422.

    Scope: `messaging:read`.

    Args:
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):
        type_ (ConversationType | Unset): A conversation's type, fixed at creation.
        status (ConversationStatus | Unset): Where a conversation is in its lifecycle.
        order_by (ConversationOrder | Unset): What a list is ordered by, newest first: creation or
            last change.
        metadata (MetadataFilter | Unset): One metadata filter (docs/conversations.md), `{"<key>":
            "<value>"}`, sent as the query parameter `metadata[<key>]=<value>`: conversations whose
            metadata has the top-level `<key>` holding the string `<value>`, or a number, `true` or
            `false` whose JSON text is `<value>`. Nested objects, arrays, null and strings over 256
            characters never match.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConversationList | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            type_=type_,
            status=status,
            order_by=order_by,
            metadata=metadata,
        )
    ).parsed
