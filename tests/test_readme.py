"""The README's walkthrough, run as written against `saasignal serve` (what `make run` runs).

Every ```sh block of README.md is a step a newcomer types, in order, into one shell; the
blocks fenced otherwise (```shell: `make run` itself, production, Heroku) are shown, not
run. The script is the blocks joined, with what a person fills in filled in: the three
keys `saasignal serve` printed, and free ports in place of the server's 8000 and the
receiver's 4000. It must run to its end under `set -euo pipefail`, the requests must have
answered what the README says they answer, and the receiver it starts must have verified
signed deliveries. The README stops its own receiver (`kill $RECEIVER`); whatever is left
of the shell's process group is killed after.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from harness.servers import free_port
from tests.support.served import Served

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# What users read: no reference to a file a clone does not have.
USER_DOCS = (README, ROOT / "clients" / "python" / "README.md")
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
# What the receiver, the wait for deliveries and Python print when something went wrong.
FAILURES = ("refused:", "still pending", "Traceback")


def walkthrough() -> str:
    """The README's ```sh blocks, in order, as one script."""
    blocks = BLOCK.findall(README.read_text(encoding="utf-8"))
    assert blocks, "README.md has no ```sh block"
    return "\n".join(blocks)


def filled_in(script: str, served: Served, receiver_port: int) -> str:
    """The script as a person runs it: their keys pasted, their ports."""
    script = script.replace("127.0.0.1:8000", f"127.0.0.1:{served.port}")
    script = script.replace("127.0.0.1:4000", f"127.0.0.1:{receiver_port}")
    script = script.replace('"127.0.0.1", 4000)', f'"127.0.0.1", {receiver_port})')
    assert "8000" not in script and "4000" not in script, "a port the test cannot move"
    for variable, label in KEYS.items():
        secret = served.key_after(label)
        script, count = re.subn(
            rf"^export {variable}=sk_live_\.\.\. .*$",
            f"export {variable}={secret}",
            script,
            flags=re.M,
        )
        assert count == 1, f"the README sets {variable} once, on a line of its own"
    return script


def anchor(title: str) -> str:
    """The link target GitHub makes of a heading."""
    return re.sub(r"[^\w\- ]", "", title).strip().lower().replace(" ", "-")


def test_what_users_read_cites_only_what_a_clone_has() -> None:
    for path in USER_DOCS:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, path.name
        assert not re.search(r"\bSPEC\b", text), path.name


def test_the_readme_runs_as_written(tmp_path: Path) -> None:
    receiver_port = free_port()
    # The clone's .venv, where the README's `.venv/bin/python` finds it; receiver.py lands here.
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for variable in (*KEYS, "API", "EVENTS", "HOOKS", "SAASIGNAL_API_KEY", "WEBHOOK_SECRET"):
        environment.pop(variable, None)
    with Served() as served:
        script = filled_in(walkthrough(), served, receiver_port)
        shell = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", script],
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
            pytest.fail(f"the walkthrough did not end within 90 s:\n{output}")
        finally:
            try:
                os.killpg(shell.pid, signal.SIGKILL)  # a receiver the README failed to stop
            except ProcessLookupError:
                pass
            shell.wait()
    assert shell.returncode == 0, output
    lines = set(output.splitlines())
    assert CODES <= lines, (sorted(CODES - lines), output)
    for marker in MARKERS:
        assert marker in output, (marker, output)
    for failure in FAILURES:
        assert failure not in output, (failure, output)


def test_the_contents_list_every_section_and_every_link_has_one() -> None:
    text = README.read_text(encoding="utf-8")
    headings = re.findall(r"^#{2,4} (.+)$", text, re.M)
    anchors = {anchor(title) for title in headings}
    linked = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert linked - anchors == set(), sorted(anchors)
    contents = text.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"\]\(#([^)]+)\)", contents))
    sections = re.findall(r"^## (.+)$", text, re.M)
    for title in sections[1:]:
        assert anchor(title) in listed, f"the contents list lacks {title!r}"
