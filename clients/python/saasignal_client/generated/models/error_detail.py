from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.error_code import ErrorCode, check_error_code
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_details import ErrorDetails


T = TypeVar("T", bound="ErrorDetail")


@_attrs_define
class ErrorDetail:
    """What went wrong.

    Attributes:
        code (ErrorCode): Stable and machine-readable, e.g. `not_found`. Each response lists the codes it may carry;
            match on the code, not on the message or the status. A new code may be added.
        message (str): A human-readable sentence.
        request_id (str): The request's `X-Request-Id`: quote it when asking for help.
        details (ErrorDetails | Unset): More about the error, by code: `validation_error`: field → list of messages;
            `insufficient_tokens`: `required`, `balance`; `insufficient_scope`: `required`; `invalid_transition`: `status`
            (the current one); `precondition_failed`: `etag` (the current one); `too_many_webhook_endpoints`: `limit`.
    """

    code: ErrorCode
    message: str
    request_id: str
    details: ErrorDetails | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code: str = self.code

        message = self.message

        request_id = self.request_id

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "message": message,
                "request_id": request_id,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_details import ErrorDetails  # noqa: PLC0415

        d = dict(src_dict)
        code = check_error_code(d.pop("code"))

        message = d.pop("message")

        request_id = d.pop("request_id")

        _details = d.pop("details", UNSET)
        details: ErrorDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = ErrorDetails.from_dict(_details)

        error_detail = cls(
            code=code,
            message=message,
            request_id=request_id,
            details=details,
        )

        return error_detail
