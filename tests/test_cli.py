"""The `saasignal` console script, run as a user would run it (SPEC.md §13)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from tests.conftest import Api
from tests.servers import RedisServer, free_port, wait_until

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
        [],
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


class Served:
    """`saasignal serve` on a free port, with the dev key fixed by SAASIGNAL_DEV_KEY."""

    def __init__(self, secret: str) -> None:
        self.port = free_port()
        env = {**os.environ, "SAASIGNAL_DEV_KEY": secret}
        env.pop("REDIS_URL", None)
        self.process = subprocess.Popen(
            [SAASIGNAL, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, secret: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {secret}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> str:
        self.process.terminate()
        output, _ = self.process.communicate(timeout=20)
        return output


@pytest.fixture
def served() -> Iterator[tuple[Served, str]]:
    secret = "sk_live_" + uuid.uuid4().hex + "Dev0123456789"
    server = Served(secret)
    yield server, secret
    if server.process.poll() is None:
        server.stop()


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
    output = server.stop()
    assert secret in output.splitlines()
