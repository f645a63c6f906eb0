"""Redis time of `recover` over 1,000 events of 16 KB (docs/webhooks.md; bench/RESULTS.md).

    .venv/bin/python -m bench.recover_cost [events] [metadata bytes]

Starts a redis-server of its own, writes the events through the app while the endpoint is
disabled, enables it, then walks `recover` from the start: for each call it prints the
Redis time of the script (INFO commandstats, microseconds) and what it made due.
"""

from __future__ import annotations

import sys
import uuid

from app import create_app
from harness.servers import start_redis
from tests.support.api import Api

WEBHOOKS = "/modules/messaging/webhook_endpoints"


def _script_usec(client: object) -> int:
    stats = client.info("commandstats")  # type: ignore[attr-defined]
    return sum(int(v["usec"]) for k, v in stats.items() if k in ("cmdstat_evalsha", "cmdstat_eval"))


def main(events: int = 1000, size: int = 16_000) -> None:
    server = start_redis()
    if server is None:
        raise SystemExit("redis-server is not installed")
    try:
        app = create_app({"redis_url": server.url, "redis_key_prefix": f"b{uuid.uuid4().hex[:8]}",
                          "rate_limit": "100000 per second"})  # fmt: skip
        api = Api(app, app.test_client())
        headers = {"Authorization": f"Bearer {api.secret}"}

        def call(method: str, path: str, body: dict[str, str]) -> dict[str, object]:
            response = api.client.open(WEBHOOKS + path, method=method, headers=headers, json=body)
            assert response.status_code < 300, response.get_json()
            data: dict[str, object] = response.get_json()["data"]
            return data

        endpoint = call("POST", "", {"url": "https://hooks.example.com/x"})["id"]
        call("PATCH", f"/{endpoint}", {"status": "disabled"})
        metadata = {"blob": "x" * (size - 12)}
        for number in range(events):
            api.create(title=str(number), metadata=metadata)
        call("PATCH", f"/{endpoint}", {"status": "enabled"})
        client = api.services.client
        since: object = "2020-01-01T00:00:00Z"
        total = 0
        for label in ("walk", "again (nothing to do)"):
            since, calls, usec, most = "2020-01-01T00:00:00Z", 0, 0, 0
            while since is not None:
                client.config_resetstat()
                result = call("POST", f"/{endpoint}/recover", {"since": str(since)})
                spent = _script_usec(client)
                calls, usec, most = calls + 1, usec + spent, max(most, spent)
                if calls <= 3:
                    print(f"{label} call {calls}: {spent / 1000:.1f} ms Redis, "
                          f"{result['deliveries']} made due")  # fmt: skip
                total += int(result["deliveries"])  # type: ignore[call-overload]
                since = result["next_since"] if result["has_more"] else None
            print(f"{label}: {calls} calls, {usec / 1000:.1f} ms Redis in all, "
                  f"{most / 1000:.1f} ms the longest call")  # fmt: skip
        print(f"made due: {total} of {events}")
    finally:
        server.stop()


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
