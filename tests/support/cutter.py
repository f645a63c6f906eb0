"""A TCP forwarder to a server that can cut every connection through it at once.

with Cutter(upstream_port) as cutter:   # cutter.url: http://127.0.0.1:<its port>
    ...
    cutter.cut()   # every open connection closed, both ways: a network fault
"""

from __future__ import annotations

import socket
import threading

from harness.servers import free_port


class Cutter:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.cuts = 0
        self._links: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Cutter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._listener.close()
        self.cut()

    def connections(self) -> int:
        with self._lock:
            return len(self._links)

    def cut(self) -> None:
        with self._lock:
            links, self._links = self._links, []
            self.cuts += 1
        for pair in links:
            for sock in pair:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self._lock:
                self._links.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
