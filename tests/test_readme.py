"""The walkthrough (docs/walkthrough.md) and the README's tour, run as written against
`saasignal serve` (what `make run` runs), on a port that is not 8000.

Every ```sh block of a page is a step a newcomer types, in order, into one shell; the
blocks fenced otherwise (```shell: `make run` itself, production) are shown, not run. The
script is the blocks joined, with what a person fills in filled in: the keys `saasignal
serve` printed. The server's address is one variable (`BASE`, from `PORT`) and the
receiver's port another (`HOOK_PORT`), so the test sets those two in the environment and
changes nothing else. It must run to its end under `set -euo pipefail`, the requests must
have answered what the page says they answer, and the receiver it starts must have
verified signed deliveries. The walkthrough stops its own receiver (`kill $RECEIVER`);
whatever is left of the shell's process group is killed after.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.servers import free_port
from tests.support.served import Served

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
WALKTHROUGH = ROOT / "docs" / "walkthrough.md"
# What users read: no reference to a file a clone does not have.
USER_DOCS = (
    README,
    ROOT / "bench" / "RESULTS.md",
    ROOT / "clients" / "python" / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
)
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)
KEYS = {
    "KEY": "Development key",
    "READ_KEY": "Read-only key",
    "EMPTY_KEY": "Empty-balance key",
}
# Bare status codes the walkthrough prints with `-w '%{http_code}\n'`, each shown at least once.
CODES = {"200", "201", "402", "403", "404", "412"}
# What the answers and the receiver must have said.
MARKERS = (
    '"docs":',
    "HTTP/1.1 201",
    "Idempotent-Replayed: true",
    'ETag: "1"',
    "X-Tokens-Remaining:",
    "HTTP/1.1 304",
    '"code":"invalid_transition"',
    '"code":"unauthorized"',
    '"colour":["Unknown parameter."]',
    '"type":"conversation.deleted"',
    "verified conversation.created ",
    "verified webhook_endpoint.test ",
    '"object":"webhook_recovery"',
    "refused 412 precondition_failed",
    "gone 404 not_found",
)
TOUR_MARKERS = ('"docs":', 'ETag: "1"', '"title":"Escalations"', '"code":"insufficient_scope"')
# What the receiver, the wait for deliveries and Python print when something went wrong.
FAILURES = ("refused:", "still pending", "Traceback")


def script_of(page: Path) -> str:
    """The page's ```sh blocks, in order, as one script."""
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    assert blocks, f"{page.name} has no ```sh block"
    return "\n".join(blocks)


def filled_in(script: str, served: Served) -> str:
    """The script as a person runs it: the keys they were printed, pasted."""
    assert "127.0.0.1:8000" not in script, "an address outside BASE: PORT cannot move it"
    assert ":4000" not in script.replace("${HOOK_PORT:-4000}", "").replace('"4000"', ""), (
        "a receiver port outside HOOK_PORT"
    )
    for variable, label in KEYS.items():
        secret = served.key_after(label)
        script, count = re.subn(
            rf"^export {variable}=sk_live_\.\.\.( .*)?$",
            f"export {variable}={secret}",
            script,
            flags=re.M,
        )
        assert count <= 1, f"the page sets {variable} more than once"
    assert "sk_live_..." not in script, "a key the page asks for that was not filled in"
    return script


def run(page: Path, tmp_path: Path) -> str:
    """Run the page's script in `tmp_path` against a fresh `saasignal serve`; its output."""
    # The clone's .venv, where the page's `.venv/bin/python` finds it; receiver.py lands here.
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for variable in (*KEYS, "API", "BASE", "EVENTS", "HOOKS", "SAASIGNAL_API_KEY"):
        environment.pop(variable, None)
    for variable in ("WEBHOOK_SECRET", "SAASIGNAL_BASE_URL"):
        environment.pop(variable, None)
    with Served() as served:
        assert served.port != 8000
        environment["PORT"] = str(served.port)
        environment["HOOK_PORT"] = str(free_port())
        shell = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", filled_in(script_of(page), served)],
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = shell.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(shell.pid, signal.SIGKILL)
            output, _ = shell.communicate()
            pytest.fail(f"{page.name} did not end within 90 s:\n{output}")
        finally:
            try:
                os.killpg(shell.pid, signal.SIGKILL)  # a receiver the page failed to stop
            except ProcessLookupError:
                pass
            shell.wait()
    assert shell.returncode == 0, output
    for failure in FAILURES:
        assert failure not in output, (failure, output)
    return output


def gold_pages(output: str) -> list[Any]:
    """The conversation pages printed whose every row has metadata tier gold: what a
    metadata filter answered (the other lists mix rows)."""
    pages = []
    for line in output.splitlines():
        try:
            answer = json.loads(line)
        except ValueError:
            continue
        rows = answer.get("data") if isinstance(answer, dict) else None
        if (
            isinstance(rows, list)
            and rows
            and all(
                row.get("object") == "conversation" and row["metadata"].get("tier") == "gold"
                for row in rows
            )
        ):
            pages.append(rows)
    return pages


def test_the_walkthrough_runs_as_written_on_another_port(tmp_path: Path) -> None:
    output = run(WALKTHROUGH, tmp_path)
    lines = set(output.splitlines())
    assert CODES <= lines, (sorted(CODES - lines), output)
    for marker in MARKERS:
        assert marker in output, (marker, output)
    assert gold_pages(output), ("the metadata filter found nothing", output)


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    output = run(README, tmp_path)
    for marker in TOUR_MARKERS:
        assert marker in output, (marker, output)
    assert gold_pages(output), ("the metadata filter found nothing", output)


def test_the_startup_the_walkthrough_shows_is_what_serve_prints() -> None:
    page = WALKTHROUGH.read_text(encoding="utf-8")
    shown = re.search(r"^```text\n(.*?)^```$", page, re.S | re.M)
    assert shown is not None, "the walkthrough shows no startup"
    *startup, request = shown.group(1).splitlines()  # the last line: one request's log
    with Served() as served:
        printed = [
            re.sub(r"sk_live_\S+", "sk_live_...", line).replace(str(served.port), "8000")
            for line in served.lines
        ]
        served.request("GET", "/", "")
    assert printed == startup
    logged = json.loads(served.rest.splitlines()[-1])
    assert set(logged) == set(json.loads(request)), logged
    assert (logged["method"], logged["path"], logged["status"]) == ("GET", "/", 200)


def test_the_readme_is_short_and_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    opening = re.search(r"^```\w*\n(.*?)^```$", text, re.S | re.M)  # the first fenced block
    assert opening is not None and text[: opening.start()].count("\n") <= 2, "not first"
    commands = [line.split("#")[0].strip() for line in opening.group(1).splitlines()]
    assert commands == ["make run", "make test"]


def test_what_users_read_cites_only_what_a_clone_has() -> None:
    for path in USER_DOCS:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, path.name
        assert not re.search(r"\bSPEC\b", text), path.name
