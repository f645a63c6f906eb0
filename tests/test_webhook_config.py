"""The webhook settings of SPEC.md §12: defaults, decimals, one clear line when bad."""

from __future__ import annotations

import pytest

from app.config import Config, ConfigError


def test_defaults_are_the_contracts() -> None:
    config = Config.from_env({})
    assert config.webhook_timeout_seconds == 10
    assert str(config.webhook_retry_schedule) == "5,300,1800,7200,18000,36000,50400,72000,86400"
    assert config.webhook_disable_after_seconds == 259200
    assert config.webhook_allow_private_targets is False


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
    ],
)
def test_a_bad_value_stops_with_one_line_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}=") and "\n" not in message
