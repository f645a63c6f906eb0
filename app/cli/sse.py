"""Reading a Server-Sent Events stream over http.client (for `saasignal listen`).

http.client reads a chunked body line by line as it arrives, which is all SSE needs; the
WHATWG event-stream format is parsed here: `event`, `data`, `id`, `retry`, comments.
"""

from __future__ import annotations

import dataclasses
import http.client
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit


@dataclasses.dataclass
class Message:
    """One SSE message."""

    event: str = "message"
    data: list[str] = dataclasses.field(default_factory=list)
    id: str | None = None
    retry: int | None = None


def parse(lines: Iterator[str]) -> Iterator[Message]:
    """The messages of an event stream, from its lines (without their line ends)."""
    current = Message()
    for line in lines:
        if line == "":
            if current.data or current.event != "message" or current.retry is not None:
                yield current
            current = Message()
        elif not line.startswith(":"):
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


def connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection to `url`'s host, and the path (with query) to ask it for."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return kind(parts.hostname, parts.port, timeout=timeout), path


def lines(response: http.client.HTTPResponse) -> Iterator[str]:
    """The body's lines as they arrive, until it ends."""
    while True:
        raw = response.readline()
        if not raw:
            return
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def with_query(path: str, query: dict[str, str]) -> str:
    """`path` with `query` added (none: as it is)."""
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + urlencode(query)
