"""Configuration from the environment: bad values stop the start, PROXY_HOPS (docs/errors.md,
docs/operations.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from app.config import Config, ConfigError
from harness.servers import ROOT, free_port
from tests.support.api import Api, error_code


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REDIS_URL", "http://x"),
        ("REDIS_URL", "localhost:6379"),
        ("REDIS_URL", "redis+cluster://nohostport"),
        ("REDIS_URL", "redis+cluster://h1:70000"),
        ("REDIS_URL", "redis://127.0.0.1:abc"),
        ("REDIS_URL", "redis://:99999"),
        ("REDIS_URL", "redis://h/0?socket_timeout=x"),
        ("REDIS_URL", "unix://"),
        ("REDIS_KEY_PREFIX", "{acme}"),
        ("REDIS_KEY_PREFIX", "has space"),
        ("REDIS_KEY_PREFIX", "x" * 65),
        ("REDIS_KEY_PREFIX", "svc\n"),
        ("RATE_LIMIT", "lots"),
        ("RATE_LIMIT", "100 per second; 5 per minute"),
        ("RATE_LIMIT", "0 per second"),
        ("AUTH_FAILURE_RATE_LIMIT", "0 per minute"),
        ("RATE_LIMIT_STRATEGY", "nope"),
        ("AUTH_FAILURE_RATE_LIMIT", "bad"),
        ("TOKEN_COSTS", "read=-1"),
        ("TOKEN_COSTS", "read=1,write=x"),
        ("TOKEN_COSTS", "gold=1"),
        ("TOKEN_COSTS", "read"),
        ("MAX_BODY_BYTES", "0"),
        ("MAX_BODY_BYTES", "64k"),
        ("MAX_BODY_BYTES", "-1"),
        ("IDEMPOTENCY_TTL_SECONDS", "0"),
        ("IDEMPOTENCY_TTL_SECONDS", "1.5"),
        ("IDEMPOTENCY_TTL_SECONDS", "999999999999999999"),
        ("PROXY_HOPS", "x"),
        ("PROXY_HOPS", "-1"),
    ],
)
def test_a_bad_value_raises_config_error_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({name: value})
    message = str(caught.value)
    assert name in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("METRICS_TOKEN", "S3cr3tButShort", "S3cr3tButShort"),
        ("METRICS_TOKEN", "S3cr3t-token-with spaces", "S3cr3t-token-with spaces"),
        ("SECRET_KEY", "hunter2", "hunter2"),
        ("REDIS_URL", "redis://user:Pa55word@db:abc", "Pa55word"),
        ("REDIS_URL", "redis+cluster://:Pa55word@nohostport", "Pa55word"),
        ("REDIS_URL", "http://admin:Pa55word@db", "Pa55word"),
    ],
)
def test_a_bad_credential_is_named_never_repeated(name: str, value: str, secret: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({name: value})
    message = str(caught.value)
    assert name in message
    assert secret not in message


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("REDIS_URL", "redis://h:1/0", "redis_url", "redis://h:1/0"),
        ("REDIS_URL", "rediss://h:1", "redis_url", "rediss://h:1"),
        ("REDIS_URL", "unix:///tmp/r.sock", "redis_url", "unix:///tmp/r.sock"),
        ("REDIS_URL", "redis+cluster://a:1,b:2", "redis_url", "redis+cluster://a:1,b:2"),
        ("REDIS_KEY_PREFIX", "svc:prod", "redis_key_prefix", "svc:prod"),
        ("RATE_LIMIT", "5 per minute", "rate_limit", "5 per minute"),
        ("RATE_LIMIT_STRATEGY", "moving-window", "rate_limit_strategy", "moving-window"),
        ("AUTH_FAILURE_RATE_LIMIT", "2/second", "auth_failure_rate_limit", "2/second"),
        ("TOKEN_COSTS", "read=0,admin=5", "token_costs", {"read": 0, "write": 2, "admin": 5}),
        ("MAX_BODY_BYTES", "1024", "max_body_bytes", 1024),
        ("IDEMPOTENCY_TTL_SECONDS", "60", "idempotency_ttl_seconds", 60),
        ("PROXY_HOPS", "1", "proxy_hops", 1),
    ],
)
def test_good_values_are_read(name: str, value: str, field: str, expected: Any) -> None:
    assert getattr(Config.from_env({name: value}), field) == expected


def test_defaults() -> None:
    config = Config.from_env({})
    assert config.redis_url is None
    assert config.redis_key_prefix == "saasignal"
    assert config.rate_limit == "100 per second"
    assert config.rate_limit_strategy == "fixed-window"
    assert config.auth_failure_rate_limit == "30 per minute"
    assert dict(config.token_costs) == {"read": 1, "write": 2, "admin": 2}
    assert config.max_body_bytes == 65536
    assert config.idempotency_ttl_seconds == 86400
    assert config.proxy_hops == 0


def _gunicorn(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "WEB_CONCURRENCY")}
    full.update({"PORT": str(free_port()), **env})
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return subprocess.run(
        [gunicorn, "-c", "gunicorn.conf.py", *args, "wsgi:app"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_refuses_several_workers_on_the_embedded_store() -> None:
    result = _gunicorn({"WEB_CONCURRENCY": "2"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "REDIS_URL" in lines[0] and "WEB_CONCURRENCY" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "args"),
    [({}, ["--workers", "3"]), ({"GUNICORN_CMD_ARGS": "--workers 2"}, [])],
    ids=["--workers", "GUNICORN_CMD_ARGS"],
)
def test_gunicorn_refuses_workers_given_outside_web_concurrency(
    env: dict[str, str], args: list[str]
) -> None:
    result = _gunicorn(env, *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("saasignal: workers=") and "REDIS_URL" in last, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATE_LIMIT", "lots"),
        ("MAX_BODY_BYTES", "0"),
        ("WEB_CONCURRENCY", "0"),
        ("PORT", "65536"),
        ("PORT", "\u00b2"),
        ("REDIS_URL", "redis://127.0.0.1:abc"),
    ],
)
def test_gunicorn_stops_on_a_bad_value_with_one_line(name: str, value: str) -> None:
    result = _gunicorn({name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.stderr


def _auth_limited_api(settings: dict[str, Any], hops: int) -> Api:
    settings["auth_failure_rate_limit"] = "2 per minute"
    settings["proxy_hops"] = hops
    app = create_app(settings)
    return Api(app, app.test_client())


BOGUS = "sk_live_" + "E" * 40


def _fail(api: Api, forwarded: str) -> int:
    return api.get(key=BOGUS, headers={"X-Forwarded-For": forwarded}).status_code


def test_with_one_proxy_hop_failures_count_per_forwarded_address(settings: dict[str, Any]) -> None:
    api = _auth_limited_api(settings, 1)
    assert [_fail(api, "203.0.113.7"), _fail(api, "198.51.100.1, 203.0.113.7")] == [401, 401]
    assert _fail(api, "203.0.113.7") == 429
    response = api.get(key=BOGUS, headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7"})
    assert response.status_code == 429 and error_code(response) == "rate_limited"
    # A valid key keeps working from the blocked address: only failing keys are refused.
    assert api.get(headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}).status_code == 200
    # Another client behind the same proxy (whatever it claims further left) is not limited.
    assert _fail(api, "203.0.113.7, 203.0.113.8") == 401
    assert api.get(headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 200


def test_without_proxy_hops_the_forwarded_header_is_ignored(settings: dict[str, Any]) -> None:
    api = _auth_limited_api(settings, 0)
    assert [_fail(api, "203.0.113.1"), _fail(api, "203.0.113.2")] == [401, 401]
    assert _fail(api, "203.0.113.3") == 429
    assert _fail(api, "203.0.113.4") == 429  # the one peer is blocked, whatever it forwards
    assert api.get(headers={"X-Forwarded-For": "203.0.113.4"}).status_code == 200
    other_peer = api.client.get(
        api.base,
        headers={"Authorization": f"Bearer {api.secret}"},
        environ_base={"REMOTE_ADDR": "192.0.2.50"},
    )
    assert other_peer.status_code == 200


def test_an_unreachable_cluster_stops_the_start_with_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["REDIS_URL"] = f"redis+cluster://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("saasignal: REDIS_URL"), result.stderr
