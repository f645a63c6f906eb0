"""WEBHOOK_ALLOW_PRIVATE_TARGETS=1 opens `http://`, loopback and private ranges, nothing else.

Link-local (169.254/16 with the cloud metadata address, fe80::/10), shared, multicast,
reserved and the other special ranges stay refused under the flag, in whatever spelling
(`https://2852039166/` is 169.254.169.254), at creation (422) and before every attempt
(`blocked_address`). Web and worker each log at start which rule they apply.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from app.factory import create_app
from app.vocabulary import SCOPES
from app.webhooks.addresses import BlockedAddress, check_url, pin
from app.webhooks.signing import new_secret
from app.worker.delivery import Deliverer
from harness.servers import Gunicorn, RedisServer, wait_until
from tests.support.api import Api, error_code
from tests.support.receiver import Receiver

ENDPOINTS = "/modules/messaging/webhook_endpoints"
STILL_REFUSED = [
    "169.254.169.254",
    "2852039166",  # 169.254.169.254 as one number
    "0xa9fea9fe",
    "0251.0376.0251.0376",
    "169.254.0.1",
    "[fe80::1]",
    "[::ffff:169.254.169.254]",
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of the metadata address
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "[ff02::1]",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "[2001:db8::1]",
    "[::]",
    "[fec0::1]",
]
OPENED = [
    "127.0.0.1",
    "127.3.2.1",
    "2130706433",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "[::1]",
    "[fd12:3456::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:10.0.0.1]",
]


def nowhere(host: str, port: int) -> list[str]:
    raise OSError("no resolver in this test")


@pytest.mark.parametrize("host", STILL_REFUSED)
def test_the_flag_keeps_special_addresses_refused(host: str) -> None:
    for scheme in ("https", "http"):
        with pytest.raises(BlockedAddress):
            pin(f"{scheme}://{host}/latest/meta-data", True, nowhere)
        assert check_url(f"{scheme}://{host}/", True, nowhere) is not None


@pytest.mark.parametrize("host", OPENED)
def test_the_flag_opens_loopback_and_private_addresses(host: str) -> None:
    assert check_url(f"http://{host}:8080/hook", True, nowhere) is None
    assert check_url(f"https://{host}/hook", False, nowhere) is not None


def test_a_name_resolving_to_the_metadata_address_is_refused_under_the_flag() -> None:
    def metadata(host: str, port: int) -> list[str]:
        return ["169.254.169.254"]

    assert check_url("http://metadata.internal/", True, metadata) is not None
    assert (
        check_url("http://dual.example/", True, lambda _h, _p: ["10.0.0.1", "fe80::1"]) is not None
    )
    assert check_url("http://localhost/", True, lambda _h, _p: ["127.0.0.1", "::1"]) is None


class Flagged(Api):
    def post_url(self, url: str) -> Any:
        key = self.key("acme", list(SCOPES))
        return self.client.post(
            ENDPOINTS, json={"url": url}, headers={"Authorization": f"Bearer {key}"}
        )


@pytest.fixture
def flagged(settings: dict[str, Any]) -> Flagged:
    settings["webhook_allow_private_targets"] = True
    app = create_app(settings)
    return Flagged(app, app.test_client())


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data",
        "http://169.254.169.254/latest/meta-data",
        "https://2852039166/",
        "http://[fe80::1]:8080/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
    ],
)
def test_creation_under_the_flag_refuses_link_local_and_special_ranges(
    flagged: Flagged, url: str
) -> None:
    response = flagged.post_url(url)
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    message = response.get_json()["error"]["details"]["url"][0]
    assert "link-local" in message and "loopback and private" in message


def test_creation_under_the_flag_accepts_loopback_and_private(flagged: Flagged) -> None:
    for url in ("http://127.0.0.1:9/in", "https://10.1.2.3/", "http://[::1]:9/", "http://10.0.0.9"):
        response = flagged.post_url(url)
        assert response.status_code == 201, response.get_json()


def test_an_attempt_under_the_flag_to_a_name_rebound_to_link_local_is_blocked() -> None:
    answers = {"hooks.internal": ["127.0.0.1"]}
    deliverer = Deliverer(2.0, True, resolver=lambda host, port: answers[host])
    try:
        with Receiver() as receiver:
            url = f"http://hooks.internal:{receiver.port}/hook"
            body = b'{"id":"evt_1"}'
            assert deliverer.attempt(url, "evt_1", body, [new_secret()], int(time.time())).succeeded
            answers["hooks.internal"] = ["169.254.169.254"]  # rebound to the metadata address
            outcome = deliverer.attempt(url, "evt_1", body, [new_secret()], int(time.time()))
            assert outcome.error == "blocked_address"
            literal = f"http://2852039166:{receiver.port}/hook"
            outcome = deliverer.attempt(literal, "evt_1", body, [new_secret()], int(time.time()))
            assert outcome.error == "blocked_address"
            assert len(receiver.received()) == 1
    finally:
        deliverer.close()


@pytest.mark.parametrize("flag", [False, True])
def test_the_web_app_logs_its_address_rule_at_start(
    settings: dict[str, Any], caplog: pytest.LogCaptureFixture, flag: bool
) -> None:
    settings["webhook_allow_private_targets"] = flag
    with caplog.at_level(logging.INFO, logger="saasignal"):
        create_app(settings)
    rules = [r.getMessage() for r in caplog.records if r.getMessage().startswith("webhook targets")]
    assert len(rules) == 1
    assert ("loopback and private" in rules[0]) is flag
    assert ("public addresses only" in rules[0]) is not flag


def test_gunicorn_and_the_worker_log_their_address_rule(redis_server: RedisServer) -> None:
    env = {"REDIS_URL": redis_server.url, "REDIS_KEY_PREFIX": "flaglog"}
    web = Gunicorn({**env, "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1"}, workers=1).start()
    try:
        wait_until(lambda: "webhook targets" in web.output(), what="the web's rule line")
        assert "WEBHOOK_ALLOW_PRIVATE_TARGETS=1" in web.output()
    finally:
        web.stop()
    log = tempfile.NamedTemporaryFile(prefix="saasignal-worker-", suffix=".log")
    saasignal = Path(sys.executable).parent / "saasignal"
    worker = subprocess.Popen(
        [str(saasignal), "worker"],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        output = lambda: Path(log.name).read_text()  # noqa: E731
        wait_until(lambda: "webhook targets" in output(), what="the worker's rule line")
        assert "https:// to public addresses only" in output()
        assert "WEBHOOK_ALLOW_PRIVATE_TARGETS=1 on web and worker" in output()
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
