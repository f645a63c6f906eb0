"""A real webhook receiver on loopback for tests: records every request, answers as scripted.

    with Receiver() as receiver:
        receiver.script("/hook", Reply(500), Reply(429, retry_after="2"))  # then 200s
        ... deliver to receiver.url("/hook") ...
        receiver.wait_for(2)
        receiver.verified("/hook", secret)   # every request checked by standardwebhooks

Each path answers its scripted replies in order, then `default`. A reply may wait
(`delay`), hold until `release()` (`stall`), redirect (`location`), trickle its body, or
carry `Retry-After`. With `tls=(certificate, key)` it serves HTTPS.
"""

from __future__ import annotations

import dataclasses
import json
import ssl
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook

from harness.servers import wait_until


@dataclasses.dataclass(frozen=True)
class Reply:
    status: int = 200
    delay: float = 0.0
    stall: bool = False
    retry_after: str | None = None
    location: str | None = None
    trickle: float = 0.0  # seconds between the bytes of the body
    body: bytes = b"ok"


@dataclasses.dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A ThreadingHTTPServer on 127.0.0.1 (or ::1) and a free port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        default: Reply | None = None,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.default = default or Reply()
        self.requests: list[Received] = []
        self.scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self.lock = threading.Condition()
        self.unstall = threading.Event()
        self.closing = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.record(
                    Received(self.path, headers, body, self.client_address[1], time.time())
                )
                reply = receiver.next_reply(self.path)
                if reply.stall:
                    receiver.unstall.wait(60)
                if reply.delay:
                    receiver.closing.wait(reply.delay)
                self.send_response(reply.status)
                if reply.retry_after is not None:
                    self.send_header("Retry-After", reply.retry_after)
                if reply.location is not None:
                    self.send_header("Location", reply.location)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                for index in range(len(reply.body)):
                    if reply.trickle and receiver.closing.wait(reply.trickle):
                        return
                    self.wfile.write(reply.body[index : index + 1])
                    self.wfile.flush()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            address_family = 10 if ":" in host else 2  # AF_INET6 or AF_INET

        self.server = Server((host, 0), Handler)
        self.scheme = "http"
        if tls is not None:  # (certificate file, key file)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.host = host
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.closing.set()
        self.unstall.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str = "/hook") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        with self.lock:
            self.scripts[path].extend(replies)

    def release(self) -> None:
        """Let stalled requests answer."""
        self.unstall.set()

    def record(self, received: Received) -> None:
        with self.lock:
            self.requests.append(received)
            self.lock.notify_all()

    def next_reply(self, path: str) -> Reply:
        with self.lock:
            queue = self.scripts.get(path)
            return queue.popleft() if queue else self.default

    def received(self, path: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 30.0) -> None:
        """Poll until `count` requests (to `path`) have arrived."""
        wait_until(lambda: len(self.received(path)) >= count, timeout, f"{count} requests")

    def verified(self, path: str | None, *secrets: str) -> list[Any]:
        """Every request's body, each verified with standardwebhooks by every secret given."""
        bodies = []
        for request in self.received(path):
            for secret in secrets:
                bodies.append(Webhook(secret).verify(request.body, request.headers))
        return bodies
