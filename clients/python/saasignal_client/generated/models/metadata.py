from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T", bound="Metadata")


class Metadata(dict[str, Any]):
    """Any JSON object, yours to fill: at most 16384 bytes as compact UTF-8 JSON, at most 8 levels deep (the object itself
    is level 1; each object or array in it adds one) and at most 50 top-level members.

    A plain `dict` of JSON values: build it from a mapping or keywords, read and compare it as one."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        return cls(src_dict)

    @property
    def additional_properties(self) -> dict[str, Any]:
        return self

    @property
    def additional_keys(self) -> list[str]:
        return list(self)
