"""`api.events.stream()`: the live stream of the events feed, resumed by itself.

The service sends Server-Sent Events (docs/stream.md): one message per event, `id` its
event id. The iterator remembers the last id it yielded and, when the connection drops
(a restart, a network fault, a proxy's timeout, a 503), opens the stream again with
`Last-Event-ID`, so the events it yields have no gap and no duplicate. A refusal (the
key revoked, the balance empty) raises its `ApiError`, as any other call does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import ApiError, ServiceUnavailableError, error_class

STREAM_PATH = "/modules/messaging/events/stream"
# Three keep-alive comments (one every 15 s) missed: the connection is dead.
READ_TIMEOUT = 45.0
_STATUS_OF = {
    "unauthorized": 401,
    "insufficient_tokens": 402,
    "insufficient_scope": 403,
    "service_unavailable": 503,
}


@dataclass
class Message:
    """One Server-Sent Events message."""

    event: str = "message"
    data: list[str] = field(default_factory=list)
    id: str | None = None
    retry: int | None = None


def messages(lines: Iterator[str]) -> Iterator[Message]:
    """SSE messages from the lines of a stream (the WHATWG event-stream format)."""
    current = Message()
    for line in lines:
        if line == "":
            if current.data or current.event != "message" or current.retry is not None:
                yield current
            current = Message()
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            current.data.append(value)
        elif name == "event":
            current.event = value
        elif name == "id":
            current.id = value
        elif name == "retry" and value.isdigit():
            current.retry = int(value)


def _refusal(message: Message) -> ApiError:
    error = json.loads("\n".join(message.data))["error"]
    status = _STATUS_OF.get(error["code"], 400)
    details = error.get("details")
    return error_class(status)(
        status, error["code"], error["message"], details, error.get("request_id")
    )


def follow(
    client: httpx.Client,
    params: dict[str, str],
    after: str | None,
    parse: Callable[[dict[str, Any]], Any],
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Any]:
    """Every event after `after` (None: from now), then live, reconnecting as needed."""
    last = after
    retry = 2.0
    while True:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if last is not None:
            headers["Last-Event-ID"] = last
        timeout = httpx.Timeout(10.0, read=READ_TIMEOUT)
        try:
            with client.stream(
                "GET", STREAM_PATH, params=params, headers=headers, timeout=timeout
            ) as response:
                for message in messages(response.iter_lines()):
                    if message.retry is not None:
                        retry = message.retry / 1000
                    if message.event == "error":
                        refusal = _refusal(message)
                        if isinstance(refusal, ServiceUnavailableError):
                            break  # the service's storage failed: open again
                        raise refusal
                    if message.event == "reset" or not message.data:
                        continue
                    event = json.loads("\n".join(message.data))
                    yield parse(event)
                    last = message.id or last
        except ServiceUnavailableError:
            pass  # refused at opening with 503: open again
        except httpx.TransportError:
            pass  # dropped, refused, timed out: open again from the last event
        sleep(retry)
