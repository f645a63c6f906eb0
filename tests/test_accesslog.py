"""Access logs: one JSON line per request, with the request id the client sees."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.api import Api

LOGGER = "saasignal.access"


def lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """Every access-log line captured so far, parsed."""
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == LOGGER]


def test_a_request_logs_one_json_line_with_its_id_and_account(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    created = api.create(title="logged")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = api.get("/" + created["id"], headers={"X-Request-Id": "trace-42"})
    assert response.status_code == 200
    [entry] = lines(caplog)
    assert entry["method"] == "GET"
    assert entry["path"] == "/modules/messaging/conversations/" + created["id"]
    assert entry["status"] == 200
    assert entry["request_id"] == "trace-42" == response.headers["X-Request-Id"]
    assert entry["account"] == "acme"
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0


@pytest.mark.parametrize(
    ("path", "status"),
    [("/healthz", 200), ("/no/such/route", 404), ("/modules/messaging/conversations", 401)],
)
def test_unauthenticated_requests_log_without_account(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, path: str, status: int
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.get(path)
    assert response.status_code == status
    [entry] = lines(caplog)
    assert entry["status"] == status
    assert entry["path"] == path
    assert entry["request_id"] == response.headers["X-Request-Id"]
    assert "account" not in entry


def test_lines_are_written_to_stderr(
    client: FlaskClient, capfd: pytest.CaptureFixture[str]
) -> None:
    client.get("/healthz", headers={"X-Request-Id": "to-stderr"})
    err = capfd.readouterr().err
    [line] = [line for line in err.splitlines() if "to-stderr" in line]
    assert json.loads(line)["status"] == 200
