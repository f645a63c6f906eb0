"""What every resource shares: calling a generated operation, raising, paging, entity tags.

A resource method is one line over a generated operation (`saasignal_client.generated.api`):
`self._call(operation, ExpectedModel, *path, **arguments)` for one object,
`self._paginate(operation, PageModel, *path, **query)` for a list. An operation added to the
API (and regenerated with `make client`) needs a method written that way, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import httpx

from .errors import ApiError, from_response
from .generated.client import AuthenticatedClient
from .generated.models import Metadata
from .generated.types import UNSET, Response, Unset

T = TypeVar("T")
Item = TypeVar("Item", covariant=True)
Operation = Callable[..., Response[Any]]


class _Page(Protocol[Item]):
    """A list response of §8: one page of objects and where the next one starts."""

    @property
    def data(self) -> Sequence[Item]: ...

    @property
    def has_more(self) -> bool: ...

    @property
    def next_cursor(self) -> str | None: ...


def raise_for_status(response: httpx.Response) -> None:
    """httpx's response hook: every error response raises its `ApiError` before parsing."""
    if response.status_code >= 400:
        response.read()
        raise from_response(response)


def entity_tag(if_match: int | str) -> str:
    """An If-Match value: a version number (3 or "3") is sent as its entity tag `"3"`."""
    if isinstance(if_match, bool):
        raise TypeError("if_match takes a version number or an entity tag, not a bool")
    text = str(if_match)
    return f'"{text}"' if text.isdigit() else text


def given(**arguments: Any) -> dict[str, Any]:
    """The arguments that were given: None (not given) becomes the generated code's UNSET,
    a version becomes an entity tag, a metadata mapping becomes the Metadata model."""
    found: dict[str, Any] = {}
    for name, value in arguments.items():
        if value is None or isinstance(value, Unset):
            continue
        if name == "if_match":
            value = entity_tag(value)
        found[name] = value
    return found


def metadata(value: Mapping[str, Any] | None | Unset) -> Metadata | None | Unset:
    """Plain-dict metadata for a body (None stays None: in a PATCH, it clears)."""
    if value is None or isinstance(value, Unset):
        return value
    return Metadata(value)


class Resource:
    """One resource of the API over the shared generated client."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def _call(self, operation: Operation, expected: type[T], *path: str, **arguments: Any) -> T:
        """Run a generated operation (`sync_detailed`); its success model, or ApiError."""
        response = operation(*path, client=self._client, **given(**arguments))
        parsed = response.parsed
        if not isinstance(parsed, expected):
            raise ApiError(
                int(response.status_code),
                "unexpected_response",
                f"expected {expected.__name__}, got {type(parsed).__name__}",
                None,
                response.headers.get("X-Request-Id"),
            )
        return parsed

    def _paginate(
        self, operation: Operation, page: type[_Page[T]], *path: str, **query: Any
    ) -> Iterator[T]:
        """Every object of a list, page after page, each page fetched when it is reached
        (from `cursor`, when one is given: a list can resume where another stopped)."""
        cursor: str | Unset = query.pop("cursor", None) or UNSET
        while True:
            found = self._call(operation, page, *path, cursor=cursor, **query)
            yield from found.data
            if not found.has_more or found.next_cursor is None:
                return
            cursor = found.next_cursor
