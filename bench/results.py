"""Tables of the measurements, printed and written to bench/results/ (gitignored)."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from bench.rig import ENDPOINT_NAMES
from bench.targets import SYMBOLS, Target, failed_requests
from bench.wrk import Result

RESULTS = Path(__file__).with_name("results")


def machine() -> dict[str, Any]:
    """What the numbers came from, including how busy the machine was."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def busy() -> str:
    """A warning when other processes already keep the cores busy, or "" when they do not."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    if load <= cores / 2:
        return ""
    return (
        f"WARNING: the machine was busy before the bench started (load average {load:.1f} on "
        f"{cores} cores): every figure, and so every ratio and ✓/✗, carries that noise."
    )


def cell(result: Result) -> str:
    flag = f" ({result.non_2xx} non-2xx)" if result.non_2xx else ""
    errors = f" ({result.socket_errors} socket errors)" if result.socket_errors else ""
    return (
        f"{result.rps:6.0f} req/s, p50 {result.p50_ms:5.2f} ms, p99 {result.p99_ms:5.2f} ms"
        + flag
        + errors
    )


def _versus(ratio: float, goal: str, bound: float, *runs: Result) -> str:
    met = Target("", ratio, goal, bound, failed_requests=failed_requests(*runs)).met
    return f"{ratio:.2f} ({SYMBOLS[goal]} {bound:.2f} {'✓' if met else '✗'})"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def throughput(rows: dict[str, dict[str, Any]], floor_roundtrips: int, peer: str) -> str:
    """The service beside the bare app and the floor, then beside json-server."""
    bare = [
        [ENDPOINT_NAMES[endpoint], cell(row["service"]), cell(row["bare"]), cell(row["floor"]),
         _versus(row["ratio"], ">=", row["target"], row["service"], row["bare"]),
         f"{row['floor_ratio']:.2f}"]
        for endpoint, row in rows.items()
    ]  # fmt: skip
    headers = ["endpoint", "service", "bare Flask", f"floor: bare + {floor_roundtrips} Redis "
               "round trips", "service / bare", "floor / bare"]  # fmt: skip
    return (
        table(headers, bare)
        + "\n\n"
        + table(["endpoint", "service", peer, "service / json-server"], peer_rows(rows))
    )


def peer_rows(rows: dict[str, dict[str, Any]]) -> list[list[str]]:
    """The service beside json-server: each endpoint against its ROWS rows, then any against
    SMALL_ROWS (the list, whose ratio follows how many rows json-server sorts), no target."""
    found = []
    for endpoint, row in rows.items():
        if "json_server" in row:
            service, peer = row["service"], row["json_server"]
            versus = _versus(row["peer_ratio"], *row["peer_target"], service, peer)
            found.append([ENDPOINT_NAMES[endpoint], cell(service), cell(peer), versus])
    for endpoint, row in rows.items():
        if "json_server_small" in row:
            service, peer = row["service"], row["json_server_small"]
            flag = "" if failed_requests(service, peer) == 0 else ", ✗ non-2xx or socket errors"
            name = f"{ENDPOINT_NAMES[endpoint]}, json-server over {row['small_rows']:,} rows"
            ratio = f"{row['peer_ratio_small']:.2f} (no target{flag})"
            found.append([name, cell(service), cell(peer), ratio])
    return found


def worker_classes(rows: list[dict[str, Any]]) -> str:
    body = [[row["workers"], cell(row["get"]), cell(row["create"]), cell(row["list"])]
            for row in rows]  # fmt: skip
    return table(["worker class", "GET one", "create", "list 25"], body)


def list_scaling(found: dict[str, Any]) -> str:
    body = [
        [f"{found['sizes'][size]:,}", f"{found[size].mean_ms:.2f}", f"{found[size].p50_ms:.2f}",
         f"{found[size].p99_ms:.2f}"]
        for size in ("small", "big")
    ]  # fmt: skip
    return (
        table(["conversations in account", "mean ms", "p50 ms", "p99 ms"], body)
        + f"\n\npage time ratio (p50) {found['ratio']:.2f}, mean ratio "
        f"{found['mean_ratio']:.2f}; {found['sizes']['big']:,} created in "
        f"{found['fill_seconds']:.0f} s"
    )


def memory(found: dict[str, Any]) -> str:
    return (
        f"Redis used_memory per conversation over {found['count']:,}: {found['bytes']:.0f} "
        "bytes (the conversation alone: its event stream is deleted before each weighing)"
    )


def events_feed(found: dict[str, Any]) -> str:
    sizes = found["sizes"]
    rows = [
        [f"{sizes[size]:,} events", "`?limit=25`", f"{found[size].mean_ms:.2f}",
         f"{found[size].p50_ms:.2f}", f"{found[size].p99_ms:.2f}"]
        for size in ("small", "big")
    ]  # fmt: skip
    unmatched = found["unmatched"]
    rows.append([f"{sizes['big']:,} events", "`?limit=25&type=conversation.deleted` (none)",
                 f"{unmatched.mean_ms:.2f}", f"{unmatched.p50_ms:.2f}",
                 f"{unmatched.p99_ms:.2f}"])  # fmt: skip
    weight = found["bytes"]
    return (
        table(["account", "query", "mean ms", "p50 ms", "p99 ms"], rows)
        + f"\n\npage time ratio (p50) {found['ratio']:.2f}, mean ratio "
        f"{found['mean_ratio']:.2f}; {sizes['big']:,} created in {found['fill_seconds']:.0f} s"
        + f"\n\nRedis memory per event over {weight['events']:,}: {weight['freed']:.0f} bytes "
        f"of used_memory freed by deleting the stream, {weight['memory_usage']:.0f} bytes by "
        "MEMORY USAGE"
    )


def webhooks(found: dict[str, Any]) -> str:
    seen = found["latency"]
    rows = [
        ["first attempt after the write", f"{seen['count']:,} writes, one at a time",
         f"p50 {seen['p50_ms']:.1f} ms, p99 {seen['p99_ms']:.1f} ms, max {seen['max_ms']:.1f} ms"],
    ]  # fmt: skip
    for name in ("one_endpoint", "endpoints"):
        rate = found[name]
        rows.append([
            "deliveries per second, one worker",
            f"{rate['deliveries']:,} waiting events, {rate['endpoints']} endpoint(s)",
            f"{rate['per_second']:.0f} /s ({rate['seconds']:.1f} s)",
        ])  # fmt: skip
    return table(["measure", "load", "figure"], rows)


def _plain(value: Any) -> Any:
    if isinstance(value, Target):
        return {**dataclasses.asdict(value), "met": value.met}
    if isinstance(value, Result):
        return dataclasses.asdict(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def save(mode: str, settings: dict[str, Any], found: dict[str, Any], text: str) -> Path:
    """Write the raw figures (JSON) and the tables (Markdown); return the Markdown's path."""
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    record = {"mode": mode, "settings": settings, "machine": machine(), **_plain(found)}
    (RESULTS / f"{stamp}-{mode}.json").write_text(json.dumps(record, indent=2) + "\n")
    path = RESULTS / f"{stamp}-{mode}.md"
    path.write_text(text + "\n")
    return path
