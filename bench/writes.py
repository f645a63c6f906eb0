"""The write path's throughput: create, PATCH and close/reopen, each request a real change.

With BENCH_BEFORE=<git revision>, that revision is checked out beside this one (a git
worktree in a temporary folder), served by its own gunicorn on the same redis-server under
a key prefix of its own, with a key made by its own code, and measured in turns with this
one (rounds in alternating order, medians): the ratio now / before of each write is held
to WRITE_RATIO_TARGET (the inbox indexes, docs/conversations.md, may cost a write at most 10%).
Without it, the writes of this revision are reported with no target.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import results, wrk
from bench.rig import BASE, CREATE_BODY, Rig, request
from bench.scenarios import scenario
from bench.targets import Outcome, Target, failed_requests
from harness.servers import ROOT, Gunicorn

WRITES = ("create", "patch", "transition")
WRITE_NAMES = {"create": "create", "patch": "PATCH metadata", "transition": "close / reopen"}
WRITE_RATIO_TARGET = 0.90
CONVERSATIONS = 200  # written in turn: one is written again only after 199 others
ROUNDS = 3
# Run in the measured tree with its own code: a key with every scope; prints the secret.
MAKE_KEY = """\
import sys
from app.store.connect import connect
from app.store.keys import KeyStore
from app.store.keyspace import Keyspace
from app.vocabulary import SCOPES
client = connect(sys.argv[1])
print(KeyStore(client, Keyspace(sys.argv[2])).create("writes", list(SCOPES), tokens=10**12)[1])
"""


@contextlib.contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """`revision` of this repository in a temporary worktree, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="saasignal-before-"))
    git = ["git", "-C", str(ROOT)]
    subprocess.run([*git, "worktree", "add", "--detach", str(folder), revision], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(folder)], check=False)


class Tree:
    """One checkout served on the rig's redis-server, with a key and conversations."""

    def __init__(self, rig: Rig, root: Path) -> None:
        self.prefix = f"writes{uuid.uuid4().hex[:8]}"
        made = subprocess.run(
            [sys.executable, "-c", MAKE_KEY, rig.redis.url, self.prefix],
            cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        self.secret = made.stdout.strip()
        env = {**rig.env, "REDIS_KEY_PREFIX": self.prefix, "PYTHONPATH": str(root)}
        self.server = Gunicorn(env, workers=None, root=root)
        self.ids: list[str] = []

    def start(self) -> None:
        self.server.start()
        self.ids = [
            request(self.server.url, "POST", BASE, self.secret, CREATE_BODY)["data"]["id"]
            for _ in range(CONVERSATIONS)
        ]

    def drive(self, write: str, load: wrk.Load) -> wrk.Result:
        url = self.server.url + BASE
        if write == "create":
            return wrk.run(url, load, "POST", CREATE_BODY, self.secret)
        if write == "transition":
            # report.lua closes every conversation first: open them all (a run may have
            # stopped part way through a round), so that each close is a real change.
            for conversation in self.ids:
                request(self.server.url, "POST", f"{BASE}/{conversation}/reopen", self.secret)
        if min(load.threads, load.connections) > len(self.ids):
            raise SystemExit(f"bench: writes gives each wrk thread its own conversations: "
                             f"at most {len(self.ids)} threads")  # fmt: skip
        ids = ",".join(self.ids)
        script = {"BENCH_WRITES": write, "BENCH_IDS": ids, "BENCH_PATH": BASE}
        return wrk.run(url, load, secret=self.secret, script_env=script)


@scenario("writes")
def writes(rig: Rig) -> Outcome:
    """create, PATCH and close/reopen: req/s and p99, and now / before with BENCH_BEFORE."""
    revision = os.environ.get("BENCH_BEFORE", "")
    runs: dict[str, dict[str, list[wrk.Result]]] = {}
    with contextlib.ExitStack() as stack:
        trees = {"now": Tree(rig, ROOT)}
        if revision:
            trees["before"] = Tree(rig, stack.enter_context(checkout(revision)))
        for tree in trees.values():
            tree.start()
            stack.callback(tree.server.stop)
        warm_up = wrk.Load(1, rig.load.connections, rig.load.threads)
        for tree in trees.values():
            for write in WRITES:
                tree.drive(write, warm_up)
        for round_ in range(ROUNDS):
            order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
            for write in WRITES:
                for name in order:
                    result = trees[name].drive(write, rig.load)
                    runs.setdefault(name, {}).setdefault(write, []).append(result)
    found: dict[str, Any] = {"before": revision or None, "runs": runs}
    rows, targets = [], []
    for write in WRITES:
        now = runs["now"][write]
        row = [WRITE_NAMES[write], _median_cell(now)]
        if revision:
            before = runs["before"][write]
            ratio = statistics.median(r.rps for r in now) / statistics.median(r.rps for r in before)
            found.setdefault("ratios", {})[write] = ratio
            rounds = ", ".join(f"{n.rps / b.rps:.2f}" for n, b in zip(now, before, strict=True))
            row += [_median_cell(before), f"{ratio:.2f} (rounds {rounds})"]
            targets.append(Target(f"{WRITE_NAMES[write]}: now / {revision}", ratio, ">=",
                                  WRITE_RATIO_TARGET,
                                  failed_requests=failed_requests(*now, *before)))  # fmt: skip
        rows.append(row)
    headers = ["write", "now (median of rounds)"]
    if revision:
        headers += [f"before ({revision})", "now / before"]
    return Outcome(found, results.table(headers, rows), targets)


def _median_cell(runs: list[wrk.Result]) -> str:
    """The round of median throughput, as the other tables show a run."""
    ordered = sorted(runs, key=lambda run: run.rps)
    return results.cell(ordered[len(ordered) // 2])
