"""The `saasignal` console script, run as a user would run it (docs/cli.md)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from app import create_app
from app.errors import StorageUnavailable
from app.store.connect import connect
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from harness.servers import RedisServer, free_port, wait_until
from tests.support.api import Api
from tests.support.served import Served

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")
SECRET_RE = re.compile(r"^sk_live_[A-Za-z0-9]{40,}$")
KEY_LINE_RE = re.compile(
    r"^(key_[A-Za-z0-9]+)\s+(\S+)\s+(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\s+(\S+)$"
)


class Cli:
    """Runs `saasignal` against one Redis under a key prefix of its own."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.prefix = f"cli{uuid.uuid4().hex[:10]}"
        self.env = {**os.environ, "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": self.prefix}
        self.env.pop("SAASIGNAL_DEV_KEY", None)

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SAASIGNAL, *args],
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def ok(self, *args: str) -> list[str]:
        """Run a command that must succeed; its stdout lines."""
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        return result.stdout.splitlines()

    def create_key(self, *args: str) -> str:
        return self.ok("keys", "create", *args)[-1]

    def api(self) -> Api:
        app = create_app({"redis_url": self.redis_url, "redis_key_prefix": self.prefix})
        return Api(app, app.test_client())


@pytest.fixture
def cli(redis_server: RedisServer) -> Cli:
    return Cli(redis_server.url)


def _scopes_of(cli: Cli, account: str) -> list[str]:
    return [
        KEY_LINE_RE.match(line).group(2) for line in cli.ok("keys", "list", "--account", account)
    ]  # type: ignore[union-attr]


def test_keys_create_prints_the_secret_alone_on_the_last_line(cli: Cli) -> None:
    secret = cli.create_key("--account", "team")
    assert SECRET_RE.match(secret)
    api = cli.api()
    assert api.balance("team") == 0
    assert api.get(key=secret).status_code == 402  # a new account has no tokens


def test_default_scopes_are_read_and_write(cli: Cli) -> None:
    secret = cli.create_key("--account", "team", "--tokens", "10")
    api = cli.api()
    assert api.get(key=secret).status_code == 200
    created = api.create(key=secret)
    response = api.delete(f"/{created['id']}", key=secret)
    assert response.status_code == 403
    assert response.get_json()["error"]["details"] == {"required": "messaging:admin"}
    assert _scopes_of(cli, "team") == ["messaging:read,messaging:write"]


def test_scopes_are_repeated_and_tokens_granted(cli: Cli) -> None:
    reader = cli.create_key("--account", "team", "--scope", "messaging:read", "--tokens", "5")
    admin = cli.create_key(
        "--account", "team", "--scope", "messaging:read", "--scope", "messaging:admin"
    )
    api = cli.api()
    assert api.balance("team") == 5
    assert api.post(key=reader, json={}).status_code == 403
    created = api.create(key=admin)
    assert api.delete(f"/{created['id']}", key=admin).status_code == 200
    assert cli.ok("tokens", "show", "--account", "team")[-1] == "1"


def test_tokens_zero_is_valid(cli: Cli) -> None:
    secret = cli.create_key("--account", "team", "--tokens", "0")
    assert SECRET_RE.match(secret)
    assert cli.ok("tokens", "show", "--account", "team")[-1] == "0"


def test_keys_list_shows_id_scopes_time_and_state_never_the_secret(cli: Cli) -> None:
    first = cli.create_key("--account", "team")
    second = cli.create_key("--account", "team", "--scope", "messaging:admin")
    cli.create_key("--account", "globex")
    lines = cli.ok("keys", "list", "--account", "team")
    assert len(lines) == 2
    matches = [KEY_LINE_RE.match(line) for line in lines]
    assert all(matches), lines
    assert [m.group(4) for m in matches if m] == ["active", "active"]
    assert "messaging:admin" in lines[1]
    output = "\n".join(lines)
    assert first not in output and second not in output and "sk_live_" not in output


def test_revoked_key_gets_401(cli: Cli) -> None:
    secret = cli.create_key("--account", "team", "--tokens", "10")
    api = cli.api()
    assert api.get(key=secret).status_code == 200
    (line,) = cli.ok("keys", "list", "--account", "team")
    key_id = line.split()[0]
    cli.ok("keys", "revoke", key_id)
    response = api.get(key=secret)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    (line,) = cli.ok("keys", "list", "--account", "team")
    assert line.startswith(key_id) and "revoked" in line and "active" not in line


def test_tokens_grant_prints_the_new_balance(cli: Cli) -> None:
    assert cli.ok("tokens", "grant", "--account", "team", "7")[-1] == "7"
    assert cli.ok("tokens", "grant", "--account", "team", "0")[-1] == "7"
    assert cli.ok("tokens", "grant", "--account", "team", "5")[-1] == "12"
    assert cli.ok("tokens", "show", "--account", "team")[-1] == "12"
    assert cli.api().balance("team") == 12


def test_tokens_show_of_a_new_account_is_zero(cli: Cli) -> None:
    assert cli.ok("tokens", "show", "--account", "nobody")[-1] == "0"


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["keys", "create"],
        ["keys", "create", "--account", "Bad Name"],
        ["keys", "create", "--account", "team\n"],
        ["keys", "create", "--account", "team", "--scope", "messaging:root"],
        ["keys", "create", "--account", "team", "--tokens", "-1"],
        ["keys", "revoke", "key_doesnotexist"],
        ["tokens", "grant", "--account", "team", "-5"],
        ["tokens", "grant", "--account", "team"],
        ["tokens", "show"],
        ["serve", "--port", "70000"],
        ["serve", "--port", "0"],
        ["serve", "--port", "-1"],
        ["serve", "--port", "http"],
    ],
    ids=lambda args: " ".join(args) or "nothing",
)
def test_bad_arguments_print_one_line_and_exit_non_zero(cli: Cli, args: list[str]) -> None:
    result = cli.run(*args)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("saasignal"), result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["keys", "create", "--account", "team"],
        ["keys", "list", "--account", "team"],
        ["keys", "revoke", "key_abc"],
        ["tokens", "grant", "--account", "team", "1"],
        ["tokens", "show", "--account", "team"],
    ],
    ids=" ".join,
)
def test_unreachable_redis_prints_one_line_and_exits_non_zero(cli: Cli, args: list[str]) -> None:
    env = {**cli.env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    result = cli.run(*args, env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "redis" in lines[0].lower(), result.stderr


@pytest.mark.parametrize(("name", "value"), [("REDIS_URL", "http://x"), ("TOKEN_COSTS", "read=-1")])
def test_a_bad_setting_prints_one_line_naming_it(cli: Cli, name: str, value: str) -> None:
    result = cli.run("tokens", "show", "--account", "team", env={**cli.env, name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.stderr


def test_port_is_read_only_by_serve_and_a_bad_one_is_named(cli: Cli) -> None:
    env = {**cli.env, "PORT": "abc"}
    result = cli.run("tokens", "show", "--account", "team", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0"
    for value in ["abc", "0", "65536", "-1"]:
        result = cli.run("serve", env={**env, "PORT": value})
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("saasignal: PORT"), result.stderr
        assert "Traceback" not in result.stdout + result.stderr


def test_serve_on_a_port_in_use_prints_one_line(cli: Cli) -> None:
    env = {**cli.env}
    env.pop("REDIS_URL")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = cli.run("serve", "--port", port, env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "Serving on" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("saasignal: ") and port in lines[0], lines


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("saasignal: "), result.stderr
    return lines[0]


def test_a_grant_past_the_largest_balance_is_refused(cli: Cli) -> None:
    client = redis.Redis.from_url(cli.redis_url)
    client.set(Keyspace(cli.prefix).tokens("team"), 2**63 - 10)
    line = _one_error_line(cli.run("tokens", "grant", "--account", "team", "10"))
    assert "unreachable" not in line and str(2**63 - 1) in line
    line = _one_error_line(cli.run("keys", "create", "--account", "team", "--tokens", "10"))
    assert "unreachable" not in line and str(2**63 - 1) in line
    assert cli.ok("tokens", "grant", "--account", "team", "9")[-1] == str(2**63 - 1)
    assert "has no keys" in _one_error_line(cli.run("keys", "list", "--account", "team"))


def test_a_refused_command_is_not_called_unreachable(cli: Cli) -> None:
    redis.Redis.from_url(cli.redis_url).hset(Keyspace(cli.prefix).tokens("team"), "x", "1")
    line = _one_error_line(cli.run("tokens", "show", "--account", "team"))
    assert line.startswith("saasignal: Redis refused the command: WRONGTYPE"), line


def test_refused_credentials_are_not_called_unreachable(cli: Cli) -> None:
    url = cli.redis_url.replace("redis://", "redis://nobody:wrong@")
    line = _one_error_line(
        cli.run("tokens", "show", "--account", "team", env={**cli.env, "REDIS_URL": url})
    )
    assert "credentials" in line and "unreachable" not in line, line


def test_an_unreachable_cluster_prints_one_line(cli: Cli) -> None:
    env = {**cli.env, "REDIS_URL": f"redis+cluster://127.0.0.1:{free_port()}"}
    line = _one_error_line(cli.run("tokens", "show", "--account", "team", env=env))
    assert "Redis Cluster" in line, line


class FailingClient:
    """A Redis client whose `fail_at`-th command raises ConnectionError, as a dropped link would."""

    def __init__(self, client: Any, fail_at: int) -> None:
        self.client = client
        self.fail_at = fail_at
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        command = getattr(self.client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                raise redis.exceptions.ConnectionError("Connection closed by server.")
            return command(*args, **kwargs)

        return call


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_keys_create_failing_part_way_grants_nothing_and_can_be_rerun(
    cli: Cli, fail_at: int
) -> None:
    cli.ok("tokens", "grant", "--account", "team", "5")
    client = FailingClient(connect(cli.redis_url), fail_at)
    store = KeyStore(client, Keyspace(cli.prefix))
    secret = "sk_live_" + uuid.uuid4().hex + "Half0123456789"
    with pytest.raises(StorageUnavailable) as raised:
        store.create("team", ["messaging:read"], 10, secret=secret)
    assert isinstance(raised.value.__cause__, redis.exceptions.ConnectionError)
    assert cli.ok("tokens", "show", "--account", "team")[-1] == "5"
    assert cli.api().get(key=secret).status_code == 401  # the half-made key does not work
    cli.create_key("--account", "team", "--tokens", "10")
    assert cli.ok("tokens", "show", "--account", "team")[-1] == "15"


@pytest.fixture
def served() -> Iterator[tuple[Served, str]]:
    secret = "sk_live_" + uuid.uuid4().hex + "Dev0123456789"
    with Served(SAASIGNAL_DEV_KEY=secret) as server:
        yield server, secret


def test_serve_prints_the_dev_key_and_it_works(served: tuple[Served, str]) -> None:
    server, secret = served

    def answers() -> bool:
        assert server.process.poll() is None, "saasignal serve exited"
        with urllib.request.urlopen(server.url + "/healthz", timeout=1) as response:
            return bool(response.status == 200)

    wait_until(answers, timeout=30, what="saasignal serve")
    status, body = server.request(
        "POST", "/modules/messaging/conversations", secret, {"title": "dev"}
    )
    assert status == 201, body
    assert body["data"]["title"] == "dev"
    status, body = server.request(
        "DELETE", f"/modules/messaging/conversations/{body['data']['id']}", secret
    )
    assert status == 200  # the dev key has every scope
    assert any(line.startswith(f"export KEY={secret}  # Development key") for line in server.lines)
