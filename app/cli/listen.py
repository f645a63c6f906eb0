"""`saasignal listen --forward-to URL`: webhooks on a laptop, with no public address.

What `stripe listen` is to Stripe (docs/stream.md): follow the live stream of the key's
events, sign each event exactly as a webhook delivery is signed (Standard Webhooks
headers, app/webhooks/signing.py) and POST it to URL, printing a line per event. The
signing secret is derived from the key and the URL (HMAC-SHA256 of the URL with the key),
so it is the same at every start and a receiver configured once keeps verifying. A
dropped connection is opened again with `Last-Event-ID`: a restart of the service loses
no event.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from app.cli.args import CliError
from app.cli.sse import Message, connection, lines, parse, with_query
from app.vocabulary import EVENTS_PATH, STREAM_TYPE_FILTERS
from app.webhooks.signing import SECRET_PREFIX, signature_headers

DEFAULT_API_BASE = "http://127.0.0.1:8000"
USER_AGENT = "SaaSignal-Listen/1.0"
# The stream sends a comment every 15 s: three missed, and the connection is dead.
READ_TIMEOUT = 45.0
FORWARD_TIMEOUT = 10.0


def register(commands: Any) -> None:
    listen = commands.add_parser(
        "listen",
        help="forward the live stream of events to a local URL, signed as webhooks",
        description="Follow the key's live event stream and POST each event to URL, signed "
        "exactly as a webhook delivery (Standard Webhooks headers) with a whsec_ secret "
        "printed at start: the same at every start for the same key and URL.",
    )
    listen.add_argument(
        "--forward-to", required=True, metavar="URL", help="where to POST each event (http(s))"
    )
    listen.add_argument(
        "--events",
        type=event_filters,
        default=(),
        metavar="TYPE,...",
        help="only these event types, comma-separated; a family ends in .* "
        "(conversation.*); default: every event",
    )
    listen.add_argument(
        "--api-base",
        default=None,
        metavar="URL",
        help=f"the service's base URL; default: SAASIGNAL_BASE_URL, else {DEFAULT_API_BASE}",
    )
    listen.add_argument(
        "--api-key",
        default=None,
        metavar="KEY",
        help="the API key (messaging:read); default: SAASIGNAL_API_KEY",
    )
    listen.set_defaults(run=cmd_listen)


def event_filters(value: str) -> tuple[str, ...]:
    """`--events`: event types or families, comma-separated."""
    wanted = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [name for name in wanted if name not in STREAM_TYPE_FILTERS]
    if not wanted or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown event type {', '.join(unknown) or value!r}: one of "
            + ", ".join(STREAM_TYPE_FILTERS)
        )
    return wanted


def signing_secret(api_key: str, forward_to: str) -> str:
    """The secret the events are signed with: the same for the same key and URL."""
    derived = hmac.new(api_key.encode(), forward_to.encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(derived).decode()


def wanted(filters: tuple[str, ...], event_type: str) -> bool:
    """Whether `--events` asks for events of this type."""
    if not filters:
        return True
    return any(
        event_type.startswith(name[:-1]) if name.endswith(".*") else event_type == name
        for name in filters
    )


def cmd_listen(args: argparse.Namespace) -> None:
    api_key = args.api_key or os.environ.get("SAASIGNAL_API_KEY")
    if not api_key:
        raise CliError("no API key: pass --api-key or set SAASIGNAL_API_KEY")
    base = (args.api_base or os.environ.get("SAASIGNAL_BASE_URL") or DEFAULT_API_BASE).rstrip("/")
    try:
        connection(args.forward_to, FORWARD_TIMEOUT)
        connection(base, READ_TIMEOUT)
    except ValueError as error:
        raise CliError(str(error)) from None
    secret = signing_secret(api_key, args.forward_to)
    print(f"Forwarding events to {args.forward_to}", flush=True)
    print(f"Webhook signing secret: {secret}", flush=True)
    Listener(base, api_key, args.forward_to, secret, args.events).run()


class Listener:
    """Follows the stream and forwards each event; resumes after the last one it saw."""

    def __init__(
        self,
        base: str,
        api_key: str,
        forward_to: str,
        secret: str,
        filters: tuple[str, ...],
        out: Callable[[str], None] = print,
    ) -> None:
        self.base = base
        self.api_key = api_key
        self.forward_to = forward_to
        self.secret = secret
        self.filters = filters
        self.out = out
        self.last: str | None = None
        self.retry = 2.0
        self.online = True

    def run(self) -> None:
        """Follow the stream until stopped; a refusal (401, 402, 403, 422) ends it."""
        while True:
            try:
                self.follow()
                problem = "the service closed the stream"
            except (OSError, http.client.HTTPException) as error:
                problem = f"the connection failed ({error or type(error).__name__})"
            if self.online:
                sys.stderr.write(f"saasignal: {problem}; reconnecting every {self.retry:g} s\n")
                sys.stderr.flush()
                self.online = False
            time.sleep(self.retry)

    def follow(self) -> None:
        """One connection's worth of the stream."""
        conn, path = connection(self.base + EVENTS_PATH + "/stream", READ_TIMEOUT)
        query = {"type": self.filters[0]} if len(self.filters) == 1 else {}
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "text/event-stream",
            "User-Agent": USER_AGENT,
        }
        if self.last is not None:
            headers["Last-Event-ID"] = self.last
        try:
            conn.request("GET", with_query(path, query), headers=headers)
            response = conn.getresponse()
            if response.status != 200:
                refuse(response.status, response.read())
            if not self.online:
                self.out(f"{_now()}  reconnected, resuming after {self.last or 'now'}")
                self.online = True
            for message in parse(lines(response)):
                self.handle(message)
        finally:
            conn.close()

    def handle(self, message: Message) -> None:
        if message.retry is not None:
            self.retry = message.retry / 1000
        if message.event == "error":
            error = json.loads("\n".join(message.data))["error"]
            if error["code"] == "service_unavailable":
                raise ConnectionError("the service's storage is unavailable")
            raise CliError(f"the service ended the stream: {error['code']}: {error['message']}")
        if message.event == "reset":
            self.out(f"{_now()}  (the last event seen is past retention: every kept event follows)")
            return
        if not message.data or message.id is None:
            return
        self.last = message.id
        if wanted(self.filters, message.event):
            status = self.forward(message.id, "\n".join(message.data).encode())
            self.out(f"{_now()}  {message.event}  {message.id}  [{status}]")

    def forward(self, event_id: str, body: bytes) -> str:
        """POST one event, signed as a webhook delivery; the receiver's status, or why not."""
        conn, path = connection(self.forward_to, FORWARD_TIMEOUT)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **signature_headers(event_id, int(time.time()), body, [self.secret]),
        }
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return str(response.status)
        except (OSError, http.client.HTTPException) as error:
            return f"failed: {type(error).__name__}"
        finally:
            conn.close()


def refuse(status: int, body: bytes) -> None:
    """A refused stream (401, 402, 403, 422): one line, and a stop; 429 and 5xx: try again
    (a stream dropped a moment ago may still count against the key's cap)."""
    try:
        error = json.loads(body)["error"]
        said = f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        said = body[:200].decode("utf-8", errors="replace")
    if status >= 500 or status == 429:
        raise ConnectionError(f"{status} {said}")
    raise CliError(f"the service refused the stream ({status} {said})")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
