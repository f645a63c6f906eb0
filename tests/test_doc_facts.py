"""Facts the docs state that the code decides, checked against the code: gunicorn's bind
address and worker count (docs/operations.md), and no count of operations written by hand
(the document is counted: tests/test_docs_browser.py renders each of them).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS_DOC = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def gunicorn_settings(**env: str) -> tuple[str, int]:
    """`bind` and `workers` as gunicorn.conf.py sets them under `env` (and nothing else)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "WEB_CONCURRENCY")}
    environment.pop("REDIS_URL", None)
    environment.update(env)
    script = "import runpy; s = runpy.run_path('gunicorn.conf.py'); print(s['bind'], s['workers'])"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    bind, workers = result.stdout.split()
    return bind, int(workers)


def test_production_binds_every_interface_on_port_8000_unless_port_says() -> None:
    assert gunicorn_settings(REDIS_URL="redis://127.0.0.1:1/0")[0] == "0.0.0.0:8000"
    assert gunicorn_settings(REDIS_URL="redis://127.0.0.1:1/0", PORT="8123")[0] == "0.0.0.0:8123"
    assert "binds `0.0.0.0:$PORT` (every\ninterface, port 8000 when `PORT` is unset)" in (
        OPERATIONS_DOC
    )


def test_web_concurrency_defaults_to_two_a_core_on_redis_and_one_embedded() -> None:
    assert gunicorn_settings(REDIS_URL="redis://127.0.0.1:1/0")[1] == 2 * (os.cpu_count() or 1)
    assert gunicorn_settings()[1] == 1
    assert "| `WEB_CONCURRENCY` | two a core with `REDIS_URL`, else `1` |" in OPERATIONS_DOC


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_no_page_counts_the_operations_by_hand(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    numbers = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen"
    counted = rf"\b({numbers}|twenty[\w-]*|thirty[\w-]*) operations\b"
    assert re.findall(counted, text, re.I) == []
