"""What got in a newcomer's way in the first hour, each fixed and kept so (issue 21).

An unquoted If-Match is told that entity tags are quoted; `saasignal serve` prints one line
a request; `--version`; `keys list` and `doctor` of an unknown account say so; an unknown
query parameter is called one; the PATCH example of /docs answers what its request asks. A
command missing: tests/test_cli_help.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from app.openapi.build import build_document
from app.openapi.parts import EXAMPLE_CONVERSATION
from harness.servers import RedisServer, free_port
from tests.support.api import Api, error_code

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")


def test_an_unquoted_if_match_is_told_that_entity_tags_are_quoted(api: Api) -> None:
    conversation = api.create(title="t")
    path = f"/{conversation['id']}"
    response = api.patch(path, json={"title": "x"}, headers={"If-Match": "1"})
    assert (response.status_code, error_code(response)) == (412, "precondition_failed")
    message = response.get_json()["error"]["message"]
    assert message == 'If-Match does not match the current version; entity tags are quoted: "1"'
    assert response.get_json()["error"]["details"] == {"etag": '"1"'}
    quoted = api.patch(path, json={"title": "x"}, headers={"If-Match": '"7"'})
    assert quoted.status_code == 412
    assert "quoted" not in quoted.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/modules/messaging/conversations",
        "/modules/messaging/events",
        "/modules/messaging/webhook_endpoints",
    ],
)
def test_an_unknown_query_parameter_is_called_a_parameter(api: Api, path: str) -> None:
    response = api.client.get(
        path, query_string={"sort": "asc"}, headers={"Authorization": f"Bearer {api.secret}"}
    )
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert response.get_json()["error"]["details"] == {"sort": ["Unknown parameter."]}


def test_the_patch_example_answers_what_its_request_asks() -> None:
    operation = build_document()["paths"]["/modules/messaging/conversations/{conversation_id}"]
    patch = operation["patch"]
    sent = next(iter(patch["requestBody"]["content"].values()))["example"]
    answered = patch["responses"]["200"]["content"]["application/json"]["example"]["data"]
    metadata = dict(EXAMPLE_CONVERSATION["metadata"])  # type: ignore[call-overload]
    for name, value in sent.get("metadata", {}).items():  # RFC 7396, one level
        metadata.pop(name) if value is None else metadata.__setitem__(name, value)
    assert answered["metadata"] == metadata
    for name, value in sent.items():
        if name != "metadata":
            assert answered[name] == value
    assert answered["version"] == EXAMPLE_CONVERSATION["version"] + 1  # type: ignore[operator]


def _run(*args: str, redis_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDIS_KEY_PREFIX": "firsthour"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.run([SAASIGNAL, *args], env=env, capture_output=True, text=True, timeout=60)


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == "saasignal 1.0.0"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["keys", "list", "--account", "nosuch"], "account 'nosuch' has no keys"),
        (["doctor", "--account", "nosuch"], "account 'nosuch' does not exist"),
    ],
)
def test_an_unknown_account_is_said_to_be_unknown(
    redis_server: RedisServer, args: list[str], says: str
) -> None:
    result = _run(*args, redis_url=redis_server.url)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"saasignal: {says}"), result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_doctor_of_an_account_with_a_key_still_checks_it(redis_server: RedisServer) -> None:
    assert _run("keys", "create", "--account", "known", redis_url=redis_server.url).returncode == 0
    result = _run("doctor", "--account", "known", redis_url=redis_server.url)
    assert result.returncode == 0 and "no drift" in result.stdout


def test_serve_prints_one_line_a_request() -> None:
    port = free_port()
    env = {**os.environ}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [SAASIGNAL, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Serving on"):
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            request_id = response.headers["X-Request-Id"]
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    lines = [line for line in output.splitlines() if "/healthz" in line]
    assert len(lines) == 1, output
    assert json.loads(lines[0])["request_id"] == request_id
