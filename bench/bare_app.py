"""A bare Flask app, the bench's baseline: same routes, same-sized JSON bodies, no work.

`gunicorn -c gunicorn.conf.py bench.bare_app:app` with BENCH_BARE_BODIES naming a JSON
file {"get": …, "list": …, "create": …} of the service's own responses: each route
serializes its object afresh on every request (with orjson, as the service does) and a
POST parses its body, so the difference to the service is the service's own work.

With BENCH_BARE_ROUNDTRIPS=N (and REDIS_URL) each request also makes N Redis round trips
(a PING each, through redis-py with hiredis like the service) and nothing else: the
*floor*, the most any implementation of the contract could serve, since the contract
needs two per request (docs/errors.md, docs/internals/keyspace.md: the key lookup and the rate
limiter's counter in
one pipeline, then the operation's one script).
"""

from __future__ import annotations

import json
import os
from typing import Any

import orjson
import redis
from flask import Flask, Response, request

BASE = "/modules/messaging/conversations"


def _bodies() -> dict[str, Any]:
    path = os.environ.get("BENCH_BARE_BODIES")
    if not path:
        sample = {"status": "ok", "data": {"id": "conv_x", "object": "conversation"}}
        return {"get": sample, "list": sample, "create": sample}
    with open(path, encoding="utf-8") as file:
        loaded: dict[str, Any] = json.load(file)
    return loaded


def create_bare_app() -> Flask:
    """Build the baseline app."""
    bodies = _bodies()
    app = Flask(__name__)
    roundtrips = int(os.environ.get("BENCH_BARE_ROUNDTRIPS") or 0)
    client = redis.Redis.from_url(os.environ["REDIS_URL"]) if roundtrips else None

    def reply(name: str, status: int = 200) -> Response:
        for _ in range(roundtrips):
            client.ping()  # type: ignore[union-attr]
        return Response(orjson.dumps(bodies[name]), status=status, mimetype="application/json")

    @app.get(BASE + "/<conversation>")
    def get_one(conversation: str) -> Response:
        return reply("get")

    @app.get(BASE)
    def list_page() -> Response:
        return reply("list")

    @app.post(BASE)
    def create() -> Response:
        request.get_json(silent=True)
        return reply("create", 201)

    return app


app = create_bare_app()
