"""The bench's json-server peer (bench/jsonserver.py) and its rows in the throughput table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import jsonserver
from bench.results import peer_rows
from bench.wrk import Result


def run(rps: float, non_2xx: int = 0) -> Result:
    return Result(requests=1000, seconds=1.0, rps=rps, p50_ms=1.0, p99_ms=2.0, mean_ms=1.2,
                  non_2xx=non_2xx, socket_errors=0)  # fmt: skip


@pytest.mark.parametrize("rows", [jsonserver.SMALL_ROWS, jsonserver.ROWS])
def test_get_one_reads_the_middle_row_of_the_servers_own_db(tmp_path: Path, rows: int) -> None:
    peer = jsonserver.JsonServer({"object": "conversation"}, rows=rows)
    try:
        path = peer.get_path
    finally:
        peer.stop()
    jsonserver.write_db(tmp_path / "db.json", {"object": "conversation"}, rows)
    ids = [row["id"] for row in json.loads((tmp_path / "db.json").read_text())["conversations"]]
    assert path == f"/conversations/{ids[rows // 2]}"


def _rows(small_non_2xx: int = 0) -> dict[str, dict[str, object]]:
    return {
        "get": {"service": run(1000.0), "json_server": run(400.0), "peer_ratio": 2.5,
                "peer_target": (">", 1.0)},
        "list": {"service": run(900.0), "json_server": run(90.0), "peer_ratio": 10.0,
                 "peer_target": (">=", 5.0), "json_server_small": run(600.0, small_non_2xx),
                 "peer_ratio_small": 1.5, "small_rows": jsonserver.SMALL_ROWS},
    }  # fmt: skip


def test_the_list_ratio_is_reported_at_the_small_db_too_without_a_target() -> None:
    found = peer_rows(_rows())
    assert [row[0] for row in found] == ["GET one", "list 25", "list 25, json-server over 100 rows"]
    assert found[1][3] == "10.00 (≥ 5.00 ✓)"
    assert found[2][2].startswith("   600 req/s") and found[2][3] == "1.50 (no target)"


def test_a_small_db_run_with_failed_requests_says_so() -> None:
    assert "✗" in peer_rows(_rows(small_non_2xx=3))[2][3]
