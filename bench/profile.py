"""Where one GET of a conversation spends its time: Redis round trips and Python.

Runs the app in-process (Flask's test client) on a redis-server of its own: MONITOR lists
the commands each request sends (commands run inside a Lua script are left out: they are
not round trips), then cProfile shows the Python cost of a few hundred GETs.
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
import threading
import time

import redis

from app import create_app
from bench.populate import Populator
from bench.servers import start_redis
from harness.servers import wait_until

BASE = "/modules/messaging/conversations"
REPEAT = 500


def monitored(url: str, send: object) -> list[str]:
    """The commands (not those inside scripts) that `send()` makes the server receive."""
    client = redis.Redis.from_url(url, decode_responses=True)
    seen: list[str] = []
    ready = threading.Event()

    def listen() -> None:
        with client.monitor() as monitor:
            ready.set()
            for event in monitor.listen():
                command = str(event["command"])
                if command == "PING stop":
                    return
                if "lua" not in str(event.get("client_type", "")) and "lua" not in str(
                    event.get("client_address", "")
                ):
                    seen.append(command[:110])

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    wait_until(ready.is_set, what="MONITOR")
    time.sleep(0.1)  # MONITOR starts streaming only once the server has registered it
    send()  # type: ignore[operator]
    client.execute_command("PING", "stop")
    thread.join(timeout=10)
    client.close()
    return seen


def main() -> None:
    """Print the round trips of a GET, a list page and a create, and a GET's profile."""
    logging.getLogger("saasignal.access").setLevel(logging.WARNING)  # not part of the answer
    server = start_redis()
    try:
        populator = Populator(server.url, "saasignal")
        secret = populator.key("prof")
        populator.fill("prof", 30)
        app = create_app({"redis_url": server.url, "rate_limit": "1000000 per second"})
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        page = client.get(BASE + "?limit=25", headers=headers).get_json()
        one = f"{BASE}/{page['data'][0]['id']}"
        calls = {
            "GET one": lambda: client.get(one, headers=headers),
            "list 25": lambda: client.get(BASE + "?limit=25", headers=headers),
            "create": lambda: client.post(BASE, json={"title": "p"}, headers=headers),
        }
        for name, call in calls.items():
            call()  # warm: scripts loaded, connections open
            commands = monitored(server.url, call)
            print(f"{name}: {len(commands)} Redis commands (a pipeline's are one round trip)")
            for command in commands:
                print("    " + command)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(REPEAT):
            client.get(one, headers=headers)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(f"\nGET one, in-process: {total / REPEAT * 1000:.2f} ms of Python per request")
        stats.sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
        populator.close()
    finally:
        server.stop()
