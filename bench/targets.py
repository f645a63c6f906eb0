"""What a scenario hands back: its figures, its table and the targets it checked."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any

SYMBOLS = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Target:
    """One target: what was measured, its value, and the bound it must meet."""

    measure: str
    value: float
    goal: str  # ">", ">=", "<" or "<="
    bound: float
    unit: str = ""  # "" for a ratio
    # Requests of the runs behind the value that were not answered 2xx, or that failed on
    # the socket: wrk counts them as throughput, so a figure with any is no figure.
    failed_requests: int = 0

    @property
    def met(self) -> bool:
        return self.failed_requests == 0 and bool(COMPARE[self.goal](self.value, self.bound))

    def shown(self, value: float) -> str:
        if not self.unit:
            return f"{value:.2f}"
        return f"{value:.0f} {self.unit}" if self.unit == "bytes" else f"{value:.2f} {self.unit}"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a scenario found: raw figures, a printable table and the targets it checked."""

    figures: dict[str, Any]
    table: str
    targets: list[Target] = dataclasses.field(default_factory=list)


def table(targets: list[Target]) -> str:
    """Every target of a run, measured value and bound, ✓ or ✗."""
    lines = ["| target | measured | goal | |", "|---|---|---|---|"]
    for target in targets:
        goal = f"{SYMBOLS[target.goal]} {target.shown(target.bound)}"
        mark = "✓" if target.met else "✗"
        if target.failed_requests:
            mark += f" ({target.failed_requests} non-2xx or socket errors)"
        lines.append(f"| {target.measure} | {target.shown(target.value)} | {goal} | {mark} |")
    met = sum(target.met for target in targets)
    return "\n".join(lines) + f"\n\n{met} of {len(targets)} targets met."


def failed_requests(*runs: Any) -> int:
    """The non-2xx answers and socket errors of wrk runs (bench.wrk.Result)."""
    return sum(int(run.non_2xx) + int(run.socket_errors) for run in runs)
