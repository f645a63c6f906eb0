"""A browser's view of the live stream for tests: a page and its same-origin backend.

A browser's EventSource sends no Authorization header, so a page reaches the stream
through its own server, which holds the key (as a real app's backend would). This one
serves the page at `/`, relays `/stream` to the service with the key and the browser's
`Last-Event-ID`, and cuts each relayed connection after `cut_after` events, so that the
browser must reconnect by itself. The page POSTs `/opened` on each open and `/done` with
the ids it saw once it has `expected` of them.
"""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

PAGE = """<!DOCTYPE html><title>stream</title><script>
const seen = [];
const source = new EventSource("/stream");
source.onopen = () => fetch("/opened", {method: "POST"});
source.addEventListener("conversation.created", (event) => {
  seen.push(event.lastEventId);
  if (seen.length === EXPECTED) {
    source.close();
    fetch("/done", {method: "POST", body: JSON.stringify(seen)});
  }
});
</script>"""


class SseFront:
    """The page's server on 127.0.0.1 and a free port."""

    def __init__(self, service: str, secret: str, expected: int, cut_after: int) -> None:
        self.service = urlsplit(service)
        self.secret = secret
        self.expected = expected
        self.cut_after = cut_after
        self.last_event_ids: list[str | None] = []  # what each stream request carried
        self.opened = threading.Semaphore(0)
        self.done = threading.Event()
        self.seen: list[str] = []
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path == "/stream":
                    front.relay(self)
                    return
                body = PAGE.replace("EXPECTED", str(front.expected)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if self.path == "/done":
                    front.seen = json.loads(data)
                    front.done.set()
                else:
                    front.opened.release()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def relay(self, handler: BaseHTTPRequestHandler) -> None:
        """Relay one stream request; end it after `cut_after` events."""
        last = handler.headers.get("Last-Event-ID")
        self.last_event_ids.append(last)
        upstream = http.client.HTTPConnection(self.service.hostname, self.service.port)
        headers = {"Authorization": f"Bearer {self.secret}", "Accept": "text/event-stream"}
        if last is not None:
            headers["Last-Event-ID"] = last
        upstream.request("GET", "/modules/messaging/events/stream", headers=headers)
        response = upstream.getresponse()
        handler.send_response(response.status)
        handler.send_header("Content-Type", response.getheader("Content-Type") or "")
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Connection", "close")
        handler.end_headers()
        events, in_event = 0, False
        try:
            while events < self.cut_after:
                line = response.readline()
                if not line:
                    break
                handler.wfile.write(line)
                handler.wfile.flush()
                if line.startswith(b"id:"):
                    in_event = True
                elif line == b"\n" and in_event:
                    events, in_event = events + 1, False
        except OSError:
            pass
        finally:
            upstream.close()
            handler.close_connection = True

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
