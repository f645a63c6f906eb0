from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.error_detail import ErrorDetail


T = TypeVar("T", bound="ErrorEnvelope")


@_attrs_define
class ErrorEnvelope:
    """The envelope of every error response, whatever the status.

    Attributes:
        status (Literal['error']):
        error (ErrorDetail): What went wrong.
    """

    status: Literal["error"]
    error: ErrorDetail

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        error = self.error.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_detail import ErrorDetail  # noqa: PLC0415

        d = dict(src_dict)
        status = cast(Literal["error"], d.pop("status"))
        if status != "error":
            raise ValueError(f"status must match const 'error', got '{status}'")

        error = ErrorDetail.from_dict(d.pop("error"))

        error_envelope = cls(
            status=status,
            error=error,
        )

        return error_envelope
