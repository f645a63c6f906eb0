"""The inbox lists of docs/conversations.md: page time by last change, by a metadata filter and by
both, in a big account against a 100-conversation one, and the write scripts' cost.

Registers the `inbox` scenario (bench/scenarios.py runs it in the `all` and `quick` modes).
Every conversation the populator creates has metadata {"tier": "gold"}, so the filter
matches each one and a page reads `limit` rows like the plain list does.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from app.store.conversations import Charge, Origin
from bench import results, wrk
from bench.rig import BASE, Rig
from bench.scenarios import LIST_SCALING_TARGET, scenario
from bench.targets import Outcome, Target

QUERIES = {
    "order_by=updated_at": "?limit=25&order_by=updated_at",
    "metadata[tier]=gold": "?limit=25&" + quote("metadata[tier]") + "=gold",
    "both": "?limit=25&order_by=updated_at&" + quote("metadata[tier]") + "=gold",
}
WRITES = 2000  # each write script timed this many times, one after another


def _filled(rig: Rig, account: str, count: int) -> None:
    """`account` holds at least `count` conversations (list_scaling may have made them)."""
    have = int(rig.populator.client.zcard(rig.populator.keyspace.index(account)))
    if have < count:
        rig.populator.fill(account, count - have)


def write_costs(rig: Rig) -> dict[str, float]:
    """Microseconds per create, PATCH and transition script, serial, through the store."""
    store, populator = rig.populator.store, rig.populator
    charge = Charge("writes", 0)
    created: list[Any] = []
    started = time.perf_counter()
    for number in range(WRITES):
        fields = populator.fields(number, int(time.time() * 1000))
        created.append(store.create(charge, fields, Origin("req_bench")))
    costs = {"create": (time.perf_counter() - started) / WRITES * 1e6}
    started = time.perf_counter()
    for number, current in enumerate(created):
        now = int(time.time() * 1000)
        metadata = '{"tier":"silver"}' if number % 2 else '{"tier":"gold","n":1}'
        store.update(charge, current, "", now, {"metadata": metadata}, [], Origin("req_bench"))
    costs["PATCH"] = (time.perf_counter() - started) / WRITES * 1e6
    started = time.perf_counter()
    for number, current in enumerate(created):
        action = ("close", "reopen", "archive")[number % 3]
        store.transition(charge, current["id"], action, "", int(time.time() * 1000),
                         Origin("req_bench"))  # fmt: skip
    costs["transition"] = (time.perf_counter() - started) / WRITES * 1e6
    return costs


@scenario("inbox")
def inbox(rig: Rig) -> Outcome:
    """Page p50 of the three inbox queries, BENCH_BIG conversations vs 100; write costs."""
    big, small = int(rig.options["big"]), 100
    _filled(rig, "big", big)
    _filled(rig, "small", small)
    secrets = {"big": rig.populator.key("big"), "small": rig.populator.key("small")}
    single = wrk.Load(rig.load.seconds, connections=1, threads=1)
    found: dict[str, Any] = {"sizes": {"big": big, "small": small}, "pages": {}}
    targets = []
    with rig.running(rig.service()) as service:
        for name, query in QUERIES.items():
            runs = {
                size: wrk.run(service.url + BASE + query, single, secret=secret)
                for size, secret in secrets.items()
            }
            ratio = runs["big"].p50_ms / runs["small"].p50_ms
            found["pages"][name] = {"big": runs["big"], "small": runs["small"], "ratio": ratio}
            targets.append(Target(f"inbox page p50 ({name}), {big:,} vs {small}", ratio, "<=",
                                  LIST_SCALING_TARGET))  # fmt: skip
    found["write_us"] = write_costs(rig)
    return Outcome(found, _table(found), targets)


def _table(found: dict[str, Any]) -> str:
    sizes = found["sizes"]
    rows = [
        [name, f"{page['small'].p50_ms:.2f}", f"{page['big'].p50_ms:.2f}", f"{page['ratio']:.2f}"]
        for name, page in found["pages"].items()
    ]
    writes = ", ".join(f"{name} {us:.0f} µs" for name, us in found["write_us"].items())
    return (
        results.table(
            [
                "inbox query (limit 25)",
                f"p50 ms, {sizes['small']:,}",
                f"p50 ms, {sizes['big']:,}",
                "ratio",
            ],
            rows,
        )  # fmt: skip
        + f"\n\nwrite scripts, serial through the store: {writes}"
    )
