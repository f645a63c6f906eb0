"""Failed logins count per client address, and per /64 for IPv6 (docs/errors.md); the
Heroku start warns when every client would share the router's address (docs/operations.md)."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.config import Config
from app.web.clientaddr import failure_bucket
from harness.servers import Gunicorn, RedisServer, wait_until
from tests.support.api import Api, error_code

BOGUS = "sk_live_" + "E" * 40


@pytest.fixture
def limited(settings: dict[str, Any]) -> Api:
    settings["auth_failure_rate_limit"] = "2 per minute"
    app: Flask = create_app(settings)
    return Api(app, app.test_client())


def _from(api: Api, address: str, key: str = BOGUS) -> int:
    response = api.client.get(
        api.base,
        headers={"Authorization": f"Bearer {key}"},
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code != 429 or error_code(response) == "rate_limited"
    return response.status_code


def test_ipv6_addresses_of_one_64_share_a_bucket(limited: Api) -> None:
    assert _from(limited, "2001:db8:1:2::1") == 401
    assert _from(limited, "2001:db8:1:2:ffff:ffff:ffff:fffe") == 401
    # A third address of the same /64: the budget of two is spent for failing keys; a valid
    # key keeps working from it.
    assert _from(limited, "2001:db8:1:2:abcd::9") == 429
    assert _from(limited, "2001:db8:1:2:abcd::9", key=limited.secret) == 200
    # Another /64, however close, has its own budget.
    assert _from(limited, "2001:db8:1:3::1") == 401
    assert _from(limited, "2001:db8:1:3::1", key=limited.secret) == 200


def test_ipv4_addresses_still_count_one_by_one(limited: Api) -> None:
    assert [_from(limited, "203.0.113.1"), _from(limited, "203.0.113.1")] == [401, 401]
    assert _from(limited, "203.0.113.1") == 429
    assert _from(limited, "203.0.113.2") == 401


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),  # IPv4-mapped: the IPv4 client
        ("203.0.113.9", "203.0.113.9"),
        ("unknown", "unknown"),
        ("", ""),
    ],
)
def test_failure_bucket(address: str, bucket: str) -> None:
    assert failure_bucket(address) == bucket


@pytest.mark.parametrize(
    ("env", "warned"),
    [
        ({"DYNO": "web.1"}, True),
        ({"DYNO": "web.1", "PROXY_HOPS": "1"}, False),
        ({}, False),
        ({"DYNO": ""}, False),
    ],
)
def test_heroku_without_proxy_hops_warns(env: dict[str, str], warned: bool) -> None:
    warnings = Config.from_env(env).start_warnings(env)
    assert len(warnings) == (1 if warned else 0)
    if warned:
        assert "PROXY_HOPS" in warnings[0] and "DYNO" in warnings[0]


@pytest.mark.live
def test_gunicorn_on_heroku_warns_once_whatever_the_workers(redis_server: RedisServer) -> None:
    env = {"DYNO": "web.1", "PROXY_HOPS": "0", "REDIS_URL": redis_server.url}
    server = Gunicorn(env, workers=3).start()
    try:
        # Every worker has loaded the app (where a warning in create_app would repeat).
        wait_until(lambda: server.output().count("Booting worker") == 3, what="3 workers")
        assert urllib.request.urlopen(server.url + "/healthz", timeout=10).status == 200
        output = server.output()
    finally:
        server.stop()
    lines = [line for line in output.splitlines() if "PROXY_HOPS=0" in line]
    assert len(lines) == 1, output
    assert lines[0].startswith("saasignal: warning: DYNO is set")
