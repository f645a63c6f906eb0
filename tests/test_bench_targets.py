"""The bench's verdict (bench/targets.py): a target is met only by a clean measurement."""

from __future__ import annotations

from bench.targets import Target, failed_requests, table
from bench.wrk import Result


def run(non_2xx: int = 0, socket_errors: int = 0) -> Result:
    return Result(requests=1000, seconds=1.0, rps=1000.0, p50_ms=1.0, p99_ms=2.0, mean_ms=1.2,
                  non_2xx=non_2xx, socket_errors=socket_errors)  # fmt: skip


def test_a_target_within_its_bound_from_clean_runs_is_met() -> None:
    assert Target("ratio", 0.9, ">=", 0.8, failed_requests=failed_requests(run(), run())).met
    assert not Target("ratio", 0.7, ">=", 0.8).met
    assert Target("p99", 2.0, "<=", 2.0, "ms").met and not Target("p99", 2.0, "<", 2.0).met


def test_non_2xx_answers_or_socket_errors_fail_a_target_whatever_its_value() -> None:
    for failed in (run(non_2xx=1), run(socket_errors=3), run(non_2xx=2, socket_errors=2)):
        target = Target("ratio", 5.0, ">=", 0.8, failed_requests=failed_requests(run(), failed))
        assert not target.met
        assert "✗" in table([target]) and "non-2xx or socket errors" in table([target])
    assert failed_requests(run(non_2xx=2), run(socket_errors=3)) == 5
