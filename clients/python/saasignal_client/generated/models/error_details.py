from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T", bound="ErrorDetails")


class ErrorDetails(dict[str, Any]):
    """More about the error, by code: `validation_error`: field → list of messages; `insufficient_tokens`: `required`,
    `balance`; `insufficient_scope`: `required`; `invalid_transition`: `status` (the current one);
    `precondition_failed`: `etag` (the current one); `too_many_webhook_endpoints`: `limit`.

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
