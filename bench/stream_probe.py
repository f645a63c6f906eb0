"""What the stream bench measures with: many open streams on one thread, and /proc.

`Streams` opens SSE connections (raw sockets, one selector thread) and records, for each
event a stream receives, how long after its `created_at` it arrived. `worker_pids`,
`redis_connections`, `rss_bytes` and `cpu_seconds` read a gunicorn's workers from /proc.
"""

from __future__ import annotations

import datetime
import os
import re
import selectors
import socket
import threading
import time
from pathlib import Path

from app.vocabulary import EVENTS_PATH

_CREATED = re.compile(rb'"created_at":"([^"]+)"')


class Streams:
    """Open SSE streams read by one thread; latencies (ms) of the events they receive."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.selector = selectors.DefaultSelector()
        self.latencies_ms: list[float] = []
        self.opened = 0
        self._lock = threading.Lock()
        self._buffers: dict[int, bytes] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def open(self, secret: str) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        request = (
            f"GET {EVENTS_PATH}/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {secret}\r\nAccept: text/event-stream\r\n\r\n"
        )
        sock.sendall(request.encode())
        sock.setblocking(False)
        self._buffers[sock.fileno()] = b""
        self.selector.register(sock, selectors.EVENT_READ)

    def count(self) -> int:
        return len(self._buffers)

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self._buffers:
                time.sleep(0.05)
                continue
            for key, _ in self.selector.select(timeout=0.2):
                sock: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    data = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self._drop(sock)
                    continue
                self._read(sock.fileno(), data, time.time())

    def _read(self, fd: int, data: bytes, now: float) -> None:
        *lines, rest = (self._buffers[fd] + data).split(b"\n")
        self._buffers[fd] = rest
        for line in lines:
            if line.startswith(b"retry:"):
                with self._lock:
                    self.opened += 1
            elif line.startswith(b"data: {") and (found := _CREATED.search(line)):
                created = datetime.datetime.fromisoformat(found.group(1).decode())
                with self._lock:
                    self.latencies_ms.append((now - created.timestamp()) * 1000)

    def _drop(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)
        self._buffers.pop(sock.fileno(), None)
        sock.close()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(5)
        for key in list(self.selector.get_map().values()):
            self._drop(key.fileobj)  # type: ignore[arg-type]


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def redis_connections(pid: int, redis_port: int) -> int:
    """The TCP connections process `pid` holds to the Redis on `redis_port`."""
    inodes = _socket_inodes(pid)
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == redis_port and fields[9] in inodes and fields[3] == "01":
                count += 1
    return count


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
