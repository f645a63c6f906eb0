from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="WebhookAttempt")


@_attrs_define
class WebhookAttempt:
    """
    Attributes:
        object_ (Literal['webhook_attempt']):  Default: 'webhook_attempt'.
        attempt (int): 1 for the first.
        started_at (datetime.datetime):
        duration_ms (int): How long it took, to the answer's end or the failure.
        status_code (int | None): The receiver's HTTP status; null without an answer.
        error (None | str): Why it failed without an HTTP answer (`timeout`, `refused`, `dns`, `tls`, `connection`,
            `blocked_address`, `event_expired`, `internal_error`), or `timeout` for an answer that came too late; null
            otherwise.
        response_body (None | str): The first 1,024 bytes of the receiver's answer as text (invalid UTF-8 replaced by
            U+FFFD); null without an answer.
    """

    attempt: int
    started_at: datetime.datetime
    duration_ms: int
    status_code: int | None
    error: None | str
    response_body: None | str
    object_: Literal["webhook_attempt"] = "webhook_attempt"

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        attempt = self.attempt

        started_at = self.started_at.isoformat()

        duration_ms = self.duration_ms

        status_code: int | None
        status_code = self.status_code

        error: None | str
        error = self.error

        response_body: None | str
        response_body = self.response_body

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "attempt": attempt,
                "started_at": started_at,
                "duration_ms": duration_ms,
                "status_code": status_code,
                "error": error,
                "response_body": response_body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal["webhook_attempt"], d.pop("object"))
        if object_ != "webhook_attempt":
            raise ValueError(f"object must match const 'webhook_attempt', got '{object_}'")

        attempt = d.pop("attempt")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        duration_ms = d.pop("duration_ms")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_response_body(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response_body = _parse_response_body(d.pop("response_body"))

        webhook_attempt = cls(
            object_=object_,
            attempt=attempt,
            started_at=started_at,
            duration_ms=duration_ms,
            status_code=status_code,
            error=error,
            response_body=response_body,
        )

        return webhook_attempt
