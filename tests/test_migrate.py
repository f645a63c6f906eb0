"""`saasignal migrate` converts every older layout once; the service refuses to start before.

The old layouts are written by hand, as the releases before the data version wrote them:
the one set of webhook accounts, a secret's record holding the key's scopes, deliveries
in an account's `wh:due`, a previous secret kept in an endpoint's hash.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis

from app import create_app
from app.config import ConfigError
from app.store.keyspace import Keyspace, webhook_shard
from app.store.migrate import DATA_VERSION, check_data_version
from harness.servers import RedisServer, free_port
from tests.support.api import Api

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")
SECRET = "sk_live_" + "m" * 48
ENDPOINT = "we_" + "e" * 24
DELIVERY = "whd_1795000000000000001_" + "e" * 24


class Old:
    """A prefix holding data in the layouts of before, and the command line on it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = f"mig{uuid.uuid4().hex[:10]}"
        self.keys = Keyspace(self.prefix)
        self.client: Any = redis.Redis.from_url(url, decode_responses=True)
        self.env = {**os.environ, "REDIS_URL": url, "REDIS_KEY_PREFIX": self.prefix}

    def write(self) -> None:
        keys, client, digest = self.keys, self.client, hashlib.sha256(SECRET.encode()).digest()
        hexdigest = digest.hex()
        client.set(keys.tokens("acme"), 100)
        client.hset(keys.api_key("key_old"), mapping={"account": "acme", "digest": hexdigest,
                    "scopes": "messaging:read", "created_at": 1, "revoked": 0})  # fmt: skip
        client.zadd(keys.account_keys("acme"), {"key_old": 1})
        client.hset(keys.secret(hexdigest), mapping={"key_id": "key_old", "account": "acme",
                    "scopes": "messaging:read"})  # fmt: skip
        client.sadd(keys.legacy_webhook_accounts(), "acme")
        client.zadd(keys.webhook_endpoints("acme"), {ENDPOINT: 1})
        client.hset(keys.webhook_endpoint("acme", ENDPOINT), mapping={"url": "https://x.test/",
                    "ev": "*", "st": "enabled", "c": 1, "u": 1, "sq": 1, "sk": "whsec_new",
                    "ps": "whsec_old", "px": 2})  # fmt: skip
        client.hset(keys.webhook_delivery("acme", DELIVERY), mapping={"ep": ENDPOINT,
                    "ev": "1795000000000-1", "ty": "conversation.created", "st": "pending",
                    "at": 1, "cr": 1795000000000, "lt": "lease", "lx": 5})  # fmt: skip
        client.zadd(keys.webhook_due("acme"), {DELIVERY: 1795000000000})

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SAASIGNAL, *args], env={**self.env, **env}, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip

    def snapshot(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name in sorted(self.client.scan_iter(match=f"{self.prefix}:*")):
            kind = self.client.type(name)
            if kind == "zset":
                found[name] = self.client.zrange(name, 0, -1, withscores=True)
            else:
                read = {"hash": self.client.hgetall, "set": self.client.smembers}
                found[name] = read.get(kind, self.client.get)(name)
        return found


@pytest.fixture
def old(redis_server: RedisServer) -> Old:
    made = Old(redis_server.url)
    made.write()
    return made


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_service_refuses_older_data_in_one_line_naming_the_command(old: Old) -> None:
    line = _refused(old.run("worker"))
    assert "saasignal migrate" in line and old.prefix in line
    line = _refused(old.run("serve", PORT=str(free_port())))
    assert "saasignal migrate" in line
    with pytest.raises(ConfigError, match="saasignal migrate"):
        create_app({"redis_url": old.url, "redis_key_prefix": old.prefix})
    assert old.client.get(old.keys.data_version()) is None  # refused: nothing written


def test_migrate_converts_every_older_layout_and_twice_is_a_no_op(old: Old) -> None:
    first = old.run("migrate")
    assert first.returncode == 0, first.stderr
    assert "webhook accounts moved into their shards: 1" in first.stdout
    assert "key records copied under their accounts' hash tags: 1" in first.stdout
    assert "1 deliveries moved to their endpoints, 1 previous secrets dropped" in first.stdout
    keys, client = old.keys, old.client
    shard = webhook_shard("acme")
    assert not client.exists(keys.legacy_webhook_accounts())
    assert client.smembers(keys.webhook_shard_accounts(shard)) == {"acme"}
    assert client.zscore(keys.webhook_ready(shard), "acme") == 0
    digest = hashlib.sha256(SECRET.encode()).hexdigest()
    assert client.hgetall(keys.key_record("acme", digest)) == {
        "id": "key_old",
        "scopes": "messaging:read",
    }
    assert client.hgetall(keys.secret(digest)) == {"key_id": "key_old", "account": "acme"}
    assert client.zrange(keys.webhook_due("acme"), 0, -1) == [ENDPOINT]
    assert client.zrange(keys.webhook_endpoint_due("acme", ENDPOINT), 0, -1) == [DELIVERY]
    delivery = client.hgetall(keys.webhook_delivery("acme", DELIVERY))
    assert "lt" not in delivery and "lx" not in delivery and delivery["st"] == "pending"
    assert "ps" not in client.hgetall(keys.webhook_endpoint("acme", ENDPOINT))
    assert client.get(keys.data_version()) == str(DATA_VERSION)

    before = old.snapshot()
    second = old.run("migrate")
    assert second.returncode == 0, second.stderr
    assert "moved into their shards: 0" in second.stdout
    assert "copied under their accounts' hash tags: 0" in second.stdout
    assert "(0 deliveries moved to their endpoints, 0 previous secrets" in second.stdout
    assert old.snapshot() == before

    # The service starts now, and the key of before works (its record was copied).
    app = create_app({"redis_url": old.url, "redis_key_prefix": old.prefix})
    response = Api(app, app.test_client()).get(key=SECRET)
    assert response.status_code == 200, response.get_json()


def test_doctor_repair_runs_migrate(old: Old) -> None:
    found = old.run("doctor")
    assert found.returncode != 0 and "saasignal migrate" in found.stdout
    repaired = old.run("doctor", "--repair")
    assert "migrate: data under" in repaired.stdout, repaired.stdout
    assert old.client.get(old.keys.data_version()) == str(DATA_VERSION)
    assert old.run("doctor").returncode == 0


def test_an_empty_prefix_is_stamped_current_by_the_first_start(redis_server: RedisServer) -> None:
    fresh = Old(redis_server.url)
    check_data_version(fresh.client, fresh.keys)
    assert fresh.client.get(fresh.keys.data_version()) == str(DATA_VERSION)
    fresh.client.set(fresh.keys.data_version(), DATA_VERSION + 1)
    with pytest.raises(Exception, match="newer than this code"):
        check_data_version(fresh.client, fresh.keys)
