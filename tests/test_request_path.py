"""The request path of docs/api-keys.md, docs/errors.md, docs/internals/keyspace.md: one round
trip, the bucket, revocation.

Once a process knows a secret's account, a request is one round trip: one pipeline with
the rate limiter's counter (lua/count_request.lua) and the operation's one script, which
checks the key's record, the scope, the counter and the Idempotency-Key before its tokens
and its work (a list page's rows included). No process keeps a key record, so a revoked
key is refused by every worker from its next request on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from app.store.connect import connect
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import READ, SCOPES
from harness.roundtrips import RoundTrips
from harness.servers import Gunicorn, RedisCluster, RedisServer
from tests.support.api import Api
from tests.support.live import BASE, Reply, call, parallel

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")
# What a client sends on its own account (a new connection's handshake, a cluster client
# learning the slot map, a health check): not part of any request.
MAINTENANCE = {"CLUSTER", "CLIENT", "HELLO", "PING", "READONLY", "COMMAND"}
EVENTS = "/modules/messaging/events"


def _request_trips(counter: RoundTrips) -> list[list[str]]:
    trips = counter.take()
    return [trip for trip in trips if any(c.split(" ")[0] not in MAINTENANCE for c in trip)]


# (name, method, path; {id} is a conversation made for the request, body, headers)
OPERATIONS = [
    ("GET one", "GET", "/{id}", None, {}),
    ("list 25", "GET", "?limit=25", None, {}),
    ("inbox by last change", "GET", "?limit=25&order_by=updated_at", None, {}),
    ("inbox by metadata and status", "GET", "?metadata[tier]=gold&status=open", None, {}),
    ("counts", "GET", "/counts", None, {}),
    ("create", "POST", "", {"title": "x"}, {}),
    ("create with Idempotency-Key", "POST", "", {"title": "x"}, {"Idempotency-Key": "new"}),
    ("archive", "POST", "/{id}/archive", None, {}),
    ("close", "POST", "/{id}/close", None, {}),
    ("close with Idempotency-Key", "POST", "/{id}/close", None, {"Idempotency-Key": "new"}),
    ("reopen", "POST", "/{id}/reopen", None, {}),
    ("delete", "DELETE", "/{id}", None, {}),
    ("events feed", "GET", EVENTS + "?limit=25", None, {}),
]


def _target(api: Api, path: str) -> str:
    """The path on the API's base; a path starting with '/modules' is absolute."""
    if path.startswith("/modules"):
        return path
    return api.base + path.format(id=api.create()["id"])


def _send(api: Api, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    if headers.get("Idempotency-Key") == "new":
        headers = {"Idempotency-Key": uuid.uuid4().hex}
    auth = {"Authorization": f"Bearer {api.secret}", **headers}
    return api.client.open(path, method=method, json=body, headers=auth)


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [operation[1:] for operation in OPERATIONS],
    ids=[operation[0] for operation in OPERATIONS],
)
def test_a_request_of_a_known_secret_is_one_round_trip(
    api: Api, method: str, path: str, body: Any, headers: dict[str, str]
) -> None:
    # Once first, on another conversation: the secret known, scripts loaded, connections open.
    _send(api, method, _target(api, path), body, headers)
    target = _target(api, path)
    with RoundTrips() as counter:
        response = _send(api, method, target, body, headers)
    assert response.status_code in (200, 201), response.get_json()
    trips = _request_trips(counter)
    assert len(trips) == 1, trips
    [trip] = trips
    scripts = [command for command in trip if command.startswith("EVALSHA")]
    assert len(scripts) == 1, trip  # the work is one script, the page's rows inside it
    assert trip[-1] == scripts[0], trip  # after the limiter's counter, if it is in Redis
    assert not any(":conv:" in command for command in trip), trip  # no row read apart


WEBHOOKS = "/modules/messaging/webhook_endpoints"
# (name, method, path; {endpoint} an endpoint made for the request and {delivery} its
# delivery, body, headers, round trips). Two take two more, before their script: a create
# of a URL naming a host is admitted and charged before the name is looked up (a refused
# request asks no name server) and puts the account in its shard's set of the work index
# (`P:{wh:<n>}:accounts`, another cluster slot) before the endpoint exists; the test event
# is admitted and charged before it reads the endpoint whose snapshot it carries (a
# refused request reads nothing). A URL with an address needs no lookup: one fewer.
WEBHOOK_WRITES = [
    ("create an endpoint", "POST", "", {"url": "https://hooks.example.com/a"}, {}, 3),
    ("create an endpoint with Idempotency-Key", "POST", "",
     {"url": "https://hooks.example.com/a"}, {"Idempotency-Key": "new"}, 3),
    ("create an endpoint at an address", "POST", "", {"url": "https://93.184.216.34/a"}, {},
     2),
    ("update an endpoint", "PATCH", "/{endpoint}", {"description": "moved"}, {}, 1),
    ("rotate a secret", "POST", "/{endpoint}/rotate_secret", None, {}, 1),
    ("rotate a secret with Idempotency-Key", "POST", "/{endpoint}/rotate_secret", None,
     {"Idempotency-Key": "new"}, 1),
    ("retry a delivery", "POST", "/{endpoint}/deliveries/{delivery}/retry", None, {}, 1),
    ("list deliveries", "GET", "/{endpoint}/deliveries?limit=25", None, {}, 1),
    ("recover", "POST", "/{endpoint}/recover", {"since": "2000-01-01T00:00:00Z"}, {}, 1),
    ("delete an endpoint", "DELETE", "/{endpoint}", None, {}, 1),
    ("send a test event", "POST", "/{endpoint}/test", None, {}, 3),
]  # fmt: skip


def _webhook_target(api: Api, path: str) -> str:
    """The path with an endpoint of its own and, when named, that endpoint's delivery."""
    auth = {"Authorization": f"Bearer {api.secret}"}
    made = api.client.post(WEBHOOKS, json={"url": "https://hooks.example.com/a"}, headers=auth)
    endpoint = made.get_json()["data"]["id"]
    delivery = ""
    if "{delivery}" in path:
        api.create()
        listed = api.client.get(f"{WEBHOOKS}/{endpoint}/deliveries", headers=auth)
        delivery = listed.get_json()["data"][0]["id"]
    return WEBHOOKS + path.format(endpoint=endpoint, delivery=delivery)


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "expected"),
    [write[1:] for write in WEBHOOK_WRITES],
    ids=[write[0] for write in WEBHOOK_WRITES],
)
def test_a_webhook_request_of_a_known_secret_is_one_round_trip(
    api: Api, method: str, path: str, body: Any, headers: dict[str, str], expected: int
) -> None:
    """The admission's checks run inside the webhook scripts too (lib.lua's admit())."""
    _send(api, method, _webhook_target(api, path), body, headers)
    target = _webhook_target(api, path)
    with RoundTrips() as counter:
        response = _send(api, method, target, body, headers)
    assert response.status_code in (200, 201), response.get_json()
    trips = _request_trips(counter)
    assert len(trips) == expected, trips
    scripts = [command for command in trips[-1] if command.startswith("EVALSHA")]
    assert len(scripts) == 1 and trips[-1][-1] == scripts[0], trips
    assert not any(command.startswith("EVALSHA admit") for trip in trips for command in trip)


def test_the_first_request_of_a_secret_in_a_process_looks_up_its_account(api: Api) -> None:
    api.get()  # the process warmed up (scripts, the cursors' secret) by another secret
    secret = api.key("newcomer", tokens=10)
    with RoundTrips() as counter:
        assert api.get(key=secret).status_code == 200
    trips = _request_trips(counter)
    assert [trip[0].split(" ")[0] for trip in trips] == ["HGETALL", trips[-1][0].split(" ")[0]]
    assert trips[0][0].startswith("HGETALL ") and ":secret:" in trips[0][0], trips
    assert trips[-1][-1] == "EVALSHA list_conversations", trips
    with RoundTrips() as counter:
        assert api.get(key=secret).status_code == 200
    assert len(_request_trips(counter)) == 1  # known from now on


def test_a_patch_reads_then_compares_and_sets_in_one_script(api: Api) -> None:
    api.patch(f"/{api.create()['id']}", json={"title": "warm"})
    target = f"/{api.create()['id']}"
    with RoundTrips() as counter:
        assert api.patch(target, json={"title": "y"}).status_code == 200
    trips = _request_trips(counter)
    # The merge patch is computed in Python from a read (RFC 7396 on the stored metadata),
    # then written by one script that checks the version read, with the admission checks.
    assert len(trips) == 2, trips
    assert trips[0][0].startswith("HGETALL"), trips
    assert trips[1][-1] == "EVALSHA update_conversation", trips


@pytest.mark.parametrize(
    ("scopes", "status"), [(None, 401), ([READ], 403)], ids=["unauthorized", "insufficient_scope"]
)
def test_refusals_before_the_rate_limit_carry_no_rate_limit_headers(
    api: Api, scopes: list[str] | None, status: int
) -> None:
    secret = "sk_live_" + "Q" * 40 if scopes is None else api.key("acme", scopes)
    response = api.post(key=secret, json={})
    assert response.status_code == status
    assert not [name for name in response.headers.keys() if name.startswith("X-RateLimit-")]


def test_one_secret_is_one_bucket_whichever_endpoint(settings: dict[str, Any]) -> None:
    from app import create_app

    settings["rate_limit"] = "3 per minute"
    app = create_app(settings)
    api = Api(app, app.test_client())
    conversation = api.create()  # 1
    assert api.get(f"/{conversation['id']}").headers["X-RateLimit-Remaining"] == "1"  # 2
    assert api.get("").headers["X-RateLimit-Remaining"] == "0"  # 3
    refused = api.post(f"/{conversation['id']}/close")
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Limit"] == "3"


def _workers(server: Gunicorn) -> set[int]:
    log = Path(server.log.name).read_text(errors="replace")
    return {int(line.rsplit(":", 1)[1]) for line in log.splitlines() if "Booting worker" in line}


def _answered(server: Gunicorn, status: int) -> set[int]:
    """The workers whose access log shows a request answered with `status`."""
    pids = set()
    for line in Path(server.log.name).read_text(errors="replace").splitlines():
        if line.startswith("{") and '"status":' in line:
            entry = json.loads(line)
            if entry["status"] == status:
                pids.add(entry["pid"])
    return pids


def _until_every_worker(server: Gunicorn, send: Any, status: int) -> list[Reply]:
    """Send batches of requests until every worker has answered one with `status`."""
    replies: list[Reply] = []
    for _ in range(20):
        replies += parallel([send] * 24, threads=12)
        if _answered(server, status) >= _workers(server):
            break
    return replies


@pytest.mark.live
@pytest.mark.parametrize("store", ["redis", "cluster"])
def test_a_revoked_key_is_refused_by_every_worker_from_its_next_request(
    request: pytest.FixtureRequest, store: str
) -> None:
    if store == "cluster":
        url = request.getfixturevalue("redis_cluster").url
    else:
        url = request.getfixturevalue("redis_server").url
    prefix = f"rv{uuid.uuid4().hex[:10]}"
    keys = KeyStore(connect(url), Keyspace(prefix))
    key, secret = keys.create("acme", list(SCOPES), 1_000_000)
    env = {"REDIS_URL": url, "REDIS_KEY_PREFIX": prefix, "RATE_LIMIT": "100000 per second"}
    server = Gunicorn(env, workers=3).start()
    try:
        served = _until_every_worker(server, lambda: call(server.url, "GET", BASE, secret), 200)
        assert {reply.status for reply in served} == {200}
        assert _answered(server, 200) == _workers(server)

        subprocess.run(
            [SAASIGNAL, "keys", "revoke", key.key_id],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        refused = _until_every_worker(server, lambda: call(server.url, "GET", BASE, secret), 401)
        assert {reply.status for reply in refused} == {401}
        assert _answered(server, 401) == _workers(server)
    finally:
        server.stop()


__all__ = ["RedisCluster", "RedisServer"]
