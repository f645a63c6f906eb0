"""The sweep's pace (app/worker/sweep.py) on a fake clock: bounded whatever the accounts,
fast where work may have been stranded, and the trim of listings past retention."""

from __future__ import annotations

import pytest

from app.worker.sweep import (
    CATCH_UP_RATE,
    IDLE_RATE,
    PASS_SECONDS,
    TRIM_COST,
    TRIM_SECONDS,
    Sweep,
)

SHARDS = list(range(16))
TICK = 0.5  # the worker's poll


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeQueue:
    """Accounts spread over 16 shards; SSCAN returns `count` of them from the cursor."""

    def __init__(
        self, accounts: int, due: dict[str, int] | None = None, clock: Clock | None = None
    ) -> None:
        self.clock = clock or Clock()
        self.markers: dict[int, float] = {}  # shard -> when its trim marker expires
        self.shards = {s: [f"a{n}" for n in range(s, accounts, 16)] for s in SHARDS}
        self.due = due or {}
        self.commands = 0
        self.lowered: dict[str, int] = {}
        self.trimmed: list[str] = []

    def shard_accounts(self, shard: int, cursor: int, count: int) -> tuple[int, list[str]]:
        self.commands += 1
        members = self.shards[shard]
        batch = members[cursor : cursor + max(count, 1)]
        following = cursor + len(batch)
        return (0 if following >= len(members) else following), batch

    def next_due(self, accounts: list[str]) -> list[tuple[str, int]]:
        self.commands += len(accounts)
        return [(a, self.due[a]) for a in accounts if a in self.due]

    def lower(self, pairs: list[tuple[str, int]]) -> None:
        self.commands += len(pairs)
        self.lowered.update(pairs)

    def trim_listings(self, account: str, cutoff_ms: int) -> int:
        self.commands += TRIM_COST - 1
        self.trimmed.append(account)
        return 0

    def claim_trim(self, shard: int, seconds: int) -> bool:
        self.commands += 1
        if self.markers.get(shard, 0.0) > self.clock.now:
            return False
        self.markers[shard] = self.clock.now + seconds
        return True


def run(sweep: Sweep, clock: Clock, seconds: float) -> None:
    for _ in range(int(seconds / TICK)):
        clock.now += TICK
        sweep.step(SHARDS, lambda: 0)


@pytest.mark.parametrize("accounts", [1_000_000, 100_000, 10_000])
def test_idle_the_sweep_reads_a_bounded_number_of_accounts_a_second(accounts: int) -> None:
    clock = Clock()
    queue = FakeQueue(accounts, clock=clock)
    sweep = Sweep(queue, clock)
    run(sweep, clock, 600)  # a trimming pass
    assert sweep.read <= IDLE_RATE * 600 / TRIM_COST + 16
    assert queue.commands <= (IDLE_RATE + 2 / TICK) * 600 + 16  # plus an SSCAN a step
    run(sweep, clock, TRIM_SECONDS)  # past it
    queue.commands = sweep.read = 0
    run(sweep, clock, 600)
    assert sweep.read <= IDLE_RATE * 600 + 16
    assert queue.commands <= (IDLE_RATE + 2 / TICK) * 600 + 16


def test_a_few_accounts_are_read_once_a_pass() -> None:
    clock = Clock()
    queue = FakeQueue(10, clock=clock)
    sweep = Sweep(queue, clock)
    run(sweep, clock, PASS_SECONDS * 10)
    assert sweep.read == 10 * 10


def test_a_catch_up_reads_sixty_thousand_accounts_within_a_minute() -> None:
    clock = Clock()
    queue = FakeQueue(60_000, {"a59999": 5, "a7": 9}, clock)
    sweep = Sweep(queue, clock)
    sweep.catch_up(SHARDS)
    run(sweep, clock, 60)
    assert queue.lowered == {"a59999": 5, "a7": 9}
    assert sweep.read >= 60_000
    assert sweep.read <= CATCH_UP_RATE * 60 + 16


def test_a_catch_up_sweeps_its_shards_ahead_of_the_idle_pass() -> None:
    clock = Clock()
    queue = FakeQueue(100_000, {"a3": 1}, clock)  # shard 3
    sweep = Sweep(queue, clock, idle_rate=0)
    run(sweep, clock, 5)
    assert not queue.lowered  # the idle pace alone never gets there
    sweep.catch_up([3])
    run(sweep, clock, 5)
    assert queue.lowered == {"a3": 1}


def test_a_catch_up_over_few_accounts_reaches_the_last_shard_in_one_step() -> None:
    """A worker's start sweeps every shard: with few accounts the whole catch-up is one tick,
    not one shard a tick (which left work in shard 15 waiting 8 s behind 15 empty shards)."""
    clock = Clock()
    queue = FakeQueue(32, {"a31": 7}, clock)  # shard 15
    sweep = Sweep(queue, clock)
    sweep.catch_up(SHARDS)
    run(sweep, clock, TICK)
    assert queue.lowered == {"a31": 7}
    assert sweep.read == 32 and not sweep.catching_up


def test_shards_another_worker_owns_now_are_not_swept() -> None:
    clock = Clock()
    queue = FakeQueue(1600, {"a0": 1}, clock)  # shard 0
    sweep = Sweep(queue, clock)
    sweep.catch_up(SHARDS)
    for _ in range(120):
        clock.now += TICK
        sweep.step(SHARDS[1:], lambda: 0)
    assert not queue.lowered


def test_listings_are_trimmed_once_every_six_hours_by_all_workers() -> None:
    clock = Clock()
    queue = FakeQueue(100, clock=clock)
    sweep = Sweep(queue, clock)
    run(sweep, clock, PASS_SECONDS * 3)
    assert sorted(queue.trimmed) == sorted(f"a{n}" for n in range(100))
    queue.trimmed.clear()
    restarted = Sweep(queue, clock)  # a restart: the markers are in Redis
    run(restarted, clock, TRIM_SECONDS - PASS_SECONDS * 4)
    assert not queue.trimmed
    run(restarted, clock, PASS_SECONDS * 5)
    assert len(queue.trimmed) == 100
