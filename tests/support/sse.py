"""A raw HTTP reader of Server-Sent Events for tests: a socket, HTTP/1.1 by hand, chunks.

    with SseReader(url, key, last_event_id="evt_…", query={"type": "conversation.*"}) as sse:
        assert sse.status == 200
        message = sse.next()            # the next Message (event, data, id), comments kept
        events = sse.events(10)         # the next ten `event`s' parsed data

No HTTP or SSE library is involved, so what is tested is the bytes the service sends: the
status line, the headers, the chunked body and the event-stream format.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from typing import Any
from urllib.parse import urlencode, urlsplit

PATH = "/modules/messaging/events/stream"


@dataclasses.dataclass
class Message:
    event: str = "message"
    data: list[str] = dataclasses.field(default_factory=list)
    id: str | None = None
    retry: int | None = None
    comments: list[str] = dataclasses.field(default_factory=list)

    def json(self) -> Any:
        return json.loads("\n".join(self.data))


class SseReader:
    """One GET of the stream on its own socket."""

    def __init__(
        self,
        url: str,
        secret: str | None,
        last_event_id: str | None = None,
        query: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        path = PATH + (f"?{urlencode(query)}" if query else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Accept: text/event-stream"]
        if secret is not None:
            lines.append(f"Authorization: Bearer {secret}")
        if last_event_id is not None:
            lines.append(f"Last-Event-ID: {last_event_id}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self._buffer = b""
        self._body = b""  # decoded body bytes not yet split into lines
        self._ended = False
        status_line = self._raw_line()
        self.status = int(status_line.split(" ")[1])
        self.headers: dict[str, str] = {}
        while (line := self._raw_line()) != "":
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.chunked = self.headers.get("transfer-encoding") == "chunked"

    def __enter__(self) -> SseReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        self._buffer += data
        return bool(data)

    def _raw_line(self) -> str:
        while b"\r\n" not in self._buffer:
            if not self._fill():
                raise EOFError("the connection closed")
        line, self._buffer = self._buffer.split(b"\r\n", 1)
        return line.decode()

    def json_body(self) -> Any:
        """The whole body of a non-stream answer (an error's envelope)."""
        length = int(self.headers.get("content-length", "0"))
        while len(self._buffer) < length and self._fill():
            pass
        return json.loads(self._buffer[:length])

    def _more_body(self) -> bool:
        """Read the next chunk (or bytes) of the body; False once it has ended."""
        if self._ended:
            return False
        if not self.chunked:
            if not self._buffer and not self._fill():
                self._ended = True
                return False
            self._body, self._buffer = self._body + self._buffer, b""
            return True
        size = int(self._raw_line().split(";")[0], 16)
        while len(self._buffer) < size + 2:
            if not self._fill():
                raise EOFError("the connection closed inside a chunk")
        self._body += self._buffer[:size]
        self._buffer = self._buffer[size + 2 :]
        if size == 0:
            self._ended = True
        return size > 0

    def line(self) -> str | None:
        """The next line of the body; None when it has ended."""
        while b"\n" not in self._body:
            if not self._more_body():
                return None
        line, self._body = self._body.split(b"\n", 1)
        return line.decode().rstrip("\r")

    def next(self) -> Message | None:
        """The next message (comments are gathered into it); None when the stream ended."""
        message = Message()
        while (line := self.line()) is not None:
            if line == "":
                if message.data or message.event != "message" or message.retry is not None:
                    return message
                if message.comments:
                    return message
                continue
            if line.startswith(":"):
                message.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                message.data.append(value)
            elif name == "event":
                message.event = value
            elif name == "id":
                message.id = value
            elif name == "retry":
                message.retry = int(value)
        return None

    def events(self, count: int) -> list[Message]:
        """The next `count` messages that carry an event (retry and reset skipped).

        A keep-alive comment means 15 quiet seconds: the events waited for are not coming.
        """
        found: list[Message] = []
        while len(found) < count:
            message = self.next()
            if message is None:
                raise EOFError(f"the stream ended after {len(found)} of {count} events")
            if message.comments:
                raise AssertionError(f"the stream went quiet after {len(found)} of {count}")
            if message.id is not None:
                found.append(message)
        return found
