"""Talking to a live server over real HTTP, from many threads at once."""

from __future__ import annotations

import dataclasses
import http.client
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

BASE = "/modules/messaging/conversations"


@dataclasses.dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def call(
    url: str,
    method: str,
    path: str,
    secret: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Reply:
    """One HTTP request on a fresh connection; the JSON body decoded when there is one."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    sent = dict(headers or {})
    if secret:
        sent["Authorization"] = f"Bearer {secret}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        reply_headers = {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()
    decoded = json.loads(raw) if raw else None
    return Reply(response.status, reply_headers, decoded)


def parallel(calls: Iterable[Callable[[], Reply]], threads: int = 16) -> list[Reply]:
    """Run the calls from `threads` threads at once; replies in the order of `calls`."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(fn) for fn in calls]
        return [future.result() for future in futures]
