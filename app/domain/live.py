"""The live stream of docs/stream.md as Server-Sent Events, plain Python: what is sent when.

`follow` yields the text of the stream: `retry:` first, `event: reset` when the resume id
was unknown, then one SSE message per event after the stream's one position, read from
the account's log through the process's hub (app/store/stream_hub.py), a keep-alive
comment after 15 quiet seconds. Every RENEW_SECONDS the stream renews its lease, which
checks that the key still lives; before each hundred events past the first hundred it
pays the read price again. A refusal (revoked key, empty balance, storage down) is sent
as `event: error` with the error envelope, and the stream ends.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from app.domain.events import render_event
from app.errors import ServiceError
from app.store.stream_hub import StreamHub
from app.store.streams import RENEW_SECONDS, OpenStream, StreamStore
from app.vocabulary import WEBHOOK_TEST_EVENT

log = logging.getLogger("saasignal")

KEEPALIVE_SECONDS = 15.0
RETRY_MS = 2000
CHARGE_EVERY = 100  # events sent per read price (the opening request pays the first)
RESET = 'event: reset\ndata: {"reason": "expired"}\n\n'


@dataclasses.dataclass(frozen=True)
class StreamFilter:
    """The stream's `type` (a type or `family.*`) and `conversation_id` filters."""

    type: str | None = None
    conversation_id: str | None = None

    def matches(self, event: dict[str, Any]) -> bool:
        wanted = self.type
        if wanted is not None:
            if wanted.endswith(".*"):
                if not event["type"].startswith(wanted[:-1]):
                    return False
            elif event["type"] != wanted:
                return False
        return self.conversation_id is None or event.get("conversation_id") == self.conversation_id


@dataclasses.dataclass
class Pricing:
    """What the stream pays with: the read price, the scopes that suffice, the request id."""

    price: int
    accepted: str
    request_id: str


def _always() -> bool:
    return True


# Whether this process still serves: gunicorn.conf.py points it at the worker's own flag, so
# that a worker told to stop ends its streams (their clients reconnect elsewhere) within a
# renewal instead of holding its shutdown for the whole graceful timeout.
serving: Callable[[], bool] = _always


def sse_event(event: dict[str, Any]) -> str:
    """One event as one SSE message: its id, its type, the object on one line."""
    data = orjson.dumps(event).decode()
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {data}\n\n"


def sse_error(error: ServiceError, request_id: str) -> str:
    """`event: error` with the error envelope."""
    body: dict[str, Any] = {"code": error.code, "message": error.text}
    if error.details is not None:
        body["details"] = error.details
    body["request_id"] = request_id
    data = orjson.dumps({"status": "error", "error": body}).decode()
    return f"event: error\ndata: {data}\n\n"


def follow(
    hub: StreamHub,
    store: StreamStore,
    stream: OpenStream,
    wanted: StreamFilter,
    pricing: Pricing,
    client_gone: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """The text of one open stream, until the client goes or a refusal ends it.

    `client_gone` says whether the client closed its end: checked at each renewal, so a
    stream whose client left gives its place under the cap back within RENEW_SECONDS.
    """
    account = stream.account
    try:
        yield f"retry: {RETRY_MS}\n\n" + (RESET if stream.reset else "")
        sent = 0
        last_write = last_renew = clock()
        with hub.following(account) as tail:
            while True:
                seen = hub.count(account)
                entries = hub.next_entries(tail, account, stream.position)
                out: list[str] = []
                for stream_id, fields in entries:
                    stream.position = stream_id
                    if fields.get("ty") == WEBHOOK_TEST_EVENT:  # its endpoint's alone
                        continue
                    event = render_event(account, stream_id, fields)
                    if not wanted.matches(event):
                        continue
                    if sent and sent % CHARGE_EVERY == 0:
                        if out:
                            yield "".join(out)
                            out = []
                        with hub.turn():
                            store.renew(stream, pricing.accepted, pricing.price)
                        last_renew = clock()
                    out.append(sse_event(event))
                    sent += 1
                if out:
                    yield "".join(out)
                    last_write = clock()
                now = clock()
                if now - last_renew >= RENEW_SECONDS:
                    if client_gone() or not serving():
                        return
                    with hub.turn():
                        store.renew(stream, pricing.accepted, 0)
                    last_renew = now
                if entries:
                    continue  # more may be waiting
                if now - last_write >= KEEPALIVE_SECONDS:
                    yield ": keep-alive\n\n"
                    last_write = now
                due = min(last_renew + RENEW_SECONDS, last_write + KEEPALIVE_SECONDS)
                hub.wait(tail, account, seen, max(0.0, due - clock()))
    except ServiceError as error:
        yield sse_error(error, pricing.request_id)
    finally:
        try:
            with hub.turn():
                store.close(stream)
        except ServiceError:
            log.warning("live stream of %s: its lease could not be given back", account)
