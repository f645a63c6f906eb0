"""json-server, the bench's peer: a Node.js REST server over one JSON file, from npm.

json-server 0.17.4 is installed on first use with `npm install --prefix` into the bench's
cache folder (`bench/.cache/`, git-ignored; BENCH_CACHE names another) and serves a
db.json of ROWS conversation-shaped rows, each the service's own GET response with its id
and title changed, on a free loopback port. It runs with --quiet (no request log).

It is asked what the service is asked. GET one reads an arbitrary row: the middle one,
since json-server finds a row by scanning the array (its first row would be its best case,
its last its worst). List 25 reads the newest 25, as the service's list does:
`_sort=id&_order=desc&_start=0&_limit=25` (ids sort by creation time, like the service's).
A plain `_start=0&_limit=25` would be the first 25 rows in file order, a question the
service never answers.

json-server sorts all its rows for every list page, so the list ratio says as much about
ROWS as about either server: the bench reports it at SMALL_ROWS too.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from harness.servers import free_port, wait_until

VERSION = "0.17.4"
ROWS = 20_000
SMALL_ROWS = 100  # the list ratio again, where json-server's sort costs next to nothing
CACHE = Path(os.environ.get("BENCH_CACHE") or Path(__file__).with_name(".cache"))


def install() -> Path:
    """The path of json-server's command-line entry, installing it into the cache first."""
    prefix = CACHE / f"json-server-{VERSION}"
    package = prefix / "node_modules" / "json-server"
    entry = package / "lib" / "cli" / "bin.js"
    manifest = package / "package.json"
    if entry.exists() and json.loads(manifest.read_text())["version"] == VERSION:
        return entry
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench: {tool} is not installed; json-server needs Node.js and npm.")
    prefix.mkdir(parents=True, exist_ok=True)
    print(f"bench: installing json-server {VERSION} into {prefix} (first use)", flush=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
         "--loglevel=error", f"json-server@{VERSION}"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return entry


def row_id(number: int) -> str:
    """A conversation id of the service's shape: `conv_` + 26 Crockford base32 characters."""
    return f"conv_{number:026d}"


def middle_row_path(rows: int) -> str:
    """GET one's path on a db of `rows` rows: its middle row, an arbitrary one."""
    return f"/conversations/{row_id(rows // 2)}"


def write_db(path: Path, template: dict[str, Any], rows: int) -> None:
    """A db.json of `rows` copies of `template` (a conversation), each its own id and title."""
    conversations = [
        {**template, "id": row_id(number), "title": f"Support ticket #{number:07d}"}
        for number in range(rows)
    ]
    path.write_text(json.dumps({"conversations": conversations}), encoding="utf-8")


class JsonServer:
    """json-server on a free loopback port over a db.json of its own (removed on stop)."""

    list_path = "/conversations?_sort=id&_order=desc&_start=0&_limit=25"

    def __init__(self, template: dict[str, Any], rows: int = ROWS) -> None:
        self.port = free_port()
        self.template = template
        self.rows = rows
        self.dir = Path(tempfile.mkdtemp(prefix="saasignal-json-server-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def get_path(self) -> str:
        return middle_row_path(self.rows)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> JsonServer:
        entry = install()
        db = self.dir / "db.json"
        write_db(db, self.template, self.rows)
        log = (self.dir / "json-server.log").open("wb")
        command = ["node", str(entry), "--quiet", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, str(db)], cwd=self.dir, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

        def up_or_dead() -> bool:
            if self.process is None or self.process.poll() is not None:
                return True
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True

        wait_until(up_or_dead, timeout=60, what=f"json-server on {self.port}")
        if self.process.poll() is not None:
            output = (self.dir / "json-server.log").read_text(errors="replace")[-4000:]
            raise RuntimeError(f"json-server died:\n{output}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
