"""The one page type every list returns (docs/conversations.md)."""

from __future__ import annotations

import dataclasses
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")


@dataclasses.dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of a list: its items, whether more follow, and the position a next page
    starts after (a sequence number, a stream entry or an id; None on an empty page)."""

    items: list[Item]
    has_more: bool
    last: Any
