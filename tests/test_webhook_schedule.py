"""The retry schedule: jitter, Retry-After, exhaustion, and the rule that disables."""

from __future__ import annotations

import random

import pytest

from app.webhooks.schedule import (
    DEFAULT_SCHEDULE,
    MAX_RETRY_AFTER_SECONDS,
    parse_schedule,
    retry_delay,
    should_disable,
)


def test_the_default_schedule_is_the_contracts() -> None:
    assert str(DEFAULT_SCHEDULE) == "5,300,1800,7200,18000,36000,50400,72000,86400"


def test_decimals_are_allowed_and_the_text_round_trips() -> None:
    schedule = parse_schedule("0.2, 0.5,1")
    assert schedule == (0.2, 0.5, 1.0)
    assert parse_schedule(str(schedule)) == schedule


@pytest.mark.parametrize("raw", ["", "5,", "-1", "1e3", "inf", "nan", "5;6", "0x10"])
def test_a_bad_schedule_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(raw)


def test_each_retry_waits_its_value_within_ten_percent() -> None:
    schedule = parse_schedule("10,100,1000")
    rng = random.Random(7)
    for attempts, base in enumerate(schedule, start=1):
        delays = [retry_delay(schedule, attempts, rng=rng) for _ in range(500)]
        assert all(d is not None and base * 0.9 <= d <= base * 1.1 for d in delays)
        assert len(set(delays)) > 400  # jittered, not fixed


def test_after_the_last_retry_nothing_is_left() -> None:
    schedule = parse_schedule("0.2,0.5,1")
    assert retry_delay(schedule, 3) is not None
    assert retry_delay(schedule, 4) is None


def test_a_later_retry_after_is_honoured_and_an_earlier_one_is_not() -> None:
    schedule = parse_schedule("5")
    assert retry_delay(schedule, 1, retry_after=120) == 120
    delay = retry_delay(schedule, 1, retry_after=1)
    assert delay is not None and 4.5 <= delay <= 5.5


def test_retry_after_is_capped_at_a_day() -> None:
    assert retry_delay(parse_schedule("5"), 1, retry_after=10**9) == MAX_RETRY_AFTER_SECONDS


def test_retry_after_does_not_extend_an_exhausted_schedule() -> None:
    assert retry_delay(parse_schedule("5"), 2, retry_after=60) is None


def test_an_endpoint_is_disabled_once_it_has_failed_for_the_whole_window() -> None:
    assert not should_disable(None, 1_000_000, 60)
    assert not should_disable(1_000_000, 1_059_999, 60)
    assert should_disable(1_000_000, 1_060_000, 60)
    assert should_disable(None, 5, 0)
