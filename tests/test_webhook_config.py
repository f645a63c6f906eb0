"""The webhook settings of docs/operations.md: defaults, decimals, one clear line when bad."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import Config, ConfigError
from app.store.connect import check_redis_version, connect


def test_defaults_are_the_contracts() -> None:
    config = Config.from_env({})
    assert config.webhook_timeout_seconds == 10
    assert str(config.webhook_retry_schedule) == "5,300,1800,7200,18000,36000,50400,72000,86400"
    assert config.webhook_disable_after_seconds == 259200
    assert config.webhook_allow_private_targets is False
    assert config.webhook_endpoint_concurrency == 10
    assert config.webhook_dns_timeout_seconds == 2


def test_the_new_webhook_settings_are_read() -> None:
    config = Config.from_env(
        {"WEBHOOK_ENDPOINT_CONCURRENCY": "3", "WEBHOOK_DNS_TIMEOUT_SECONDS": "0.5"}
    )
    assert (config.webhook_endpoint_concurrency, config.webhook_dns_timeout_seconds) == (3, 0.5)


def test_a_retention_shorter_than_the_retry_schedule_stops_the_start_in_one_line() -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({"EVENT_RETENTION_DAYS": "3"})  # the default schedule is 3.15 days
    message = str(caught.value)
    assert message.startswith("EVENT_RETENTION_DAYS=3 ") and "\n" not in message
    assert "WEBHOOK_RETRY_SCHEDULE" in message
    Config.from_env({"EVENT_RETENTION_DAYS": "3", "WEBHOOK_RETRY_SCHEDULE": "5,300"})


def test_values_are_read_and_survive_overrides() -> None:
    config = Config.from_env(
        {
            "WEBHOOK_TIMEOUT_SECONDS": "0.5",
            "WEBHOOK_RETRY_SCHEDULE": "0.2,0.5,1",
            "WEBHOOK_DISABLE_AFTER_SECONDS": "1.5",
            "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
        }
    )
    again = config.replace({"rate_limit": "5 per second"})
    for made in (config, again):
        assert made.webhook_timeout_seconds == 0.5
        assert made.webhook_retry_schedule == (0.2, 0.5, 1.0)
        assert made.webhook_disable_after_seconds == 1.5
        assert made.webhook_allow_private_targets is True


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WEBHOOK_TIMEOUT_SECONDS", "0"),
        ("WEBHOOK_TIMEOUT_SECONDS", "51"),
        ("WEBHOOK_TIMEOUT_SECONDS", "ten"),
        ("WEBHOOK_RETRY_SCHEDULE", "5,,300"),
        ("WEBHOOK_RETRY_SCHEDULE", "5,-1"),
        ("WEBHOOK_RETRY_SCHEDULE", "1e3"),
        ("WEBHOOK_DISABLE_AFTER_SECONDS", "-5"),
        ("WEBHOOK_DISABLE_AFTER_SECONDS", "3 days"),
        ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "yes"),
        ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "2"),
        ("WEBHOOK_ENDPOINT_CONCURRENCY", "0"),
        ("WEBHOOK_ENDPOINT_CONCURRENCY", "ten"),
        ("WEBHOOK_DNS_TIMEOUT_SECONDS", "0"),
        ("WEBHOOK_DNS_TIMEOUT_SECONDS", "31"),
    ],
)
def test_a_bad_value_stops_with_one_line_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}=") and "\n" not in message


class OldRedis:
    """A client whose server says it is Redis 6.0 (INFO server)."""

    def __init__(self, version: str = "6.0.16") -> None:
        self.version = version

    def info(self, _section: str) -> dict[str, str]:
        return {"redis_version": self.version}


def test_a_redis_older_than_6_2_stops_the_web_start_in_one_line() -> None:
    with pytest.raises(ConfigError) as caught:
        create_app(client=OldRedis())
    message = str(caught.value)
    assert "6.0.16 is older than 6.2" in message and "\n" not in message


def test_redis_6_2_and_the_embedded_store_start() -> None:
    check_redis_version(OldRedis("6.2.0"))
    check_redis_version(OldRedis("7.0.15"))
    check_redis_version(connect(None))  # fakeredis has no INFO: its version is not a server's
