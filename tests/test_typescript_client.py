"""The TypeScript recipe of docs/clients.md, run as a TypeScript user would run it.

openapi-typescript generates the types from the document a live `saasignal serve` serves,
`tsc --strict` compiles tests/typescript/recipe.ts against them and openapi-fetch, and node
runs it against that server: a create whose body leaves out a field with a default, a PATCH
with If-Match (and a stale one: 412), a metadata filter walked by its cursor, a typed 404.
The tools are tools/package.json's, pinned, in tools/node_modules (`make lint` installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.api import missing
from tests.support.served import Served

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "node_modules"
RECIPE = Path(__file__).resolve().parent / "typescript" / "recipe.ts"
# What docs/clients.md tells a user to run, flag for flag.
GENERATE = ["openapi-typescript", "--default-non-nullable", "false"]
TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "target": "es2022",
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "types": ["node"],
        "skipLibCheck": False,
        "noEmitOnError": True,
    },
    "files": ["recipe.ts"],
}


def _tool(name: str) -> str:
    path = TOOLS / ".bin" / name
    if not path.exists():
        missing(f"{name} (tools/node_modules: `make tools/node_modules/.installed`)")
    return str(path)


def _run(command: list[str], folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    if shutil.which("node") is None:
        missing("node")
    with Served() as server:
        yield server


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, served: Served) -> Path:
    """A folder as a user would have it: the generated types, the program, the packages."""
    folder = tmp_path_factory.mktemp("typescript")
    (folder / "node_modules").symlink_to(TOOLS, target_is_directory=True)
    (folder / "package.json").write_text(json.dumps({"type": "module", "private": True}))
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    shutil.copy(RECIPE, folder / "recipe.ts")
    command = [_tool(GENERATE[0]), served.url + "/openapi.json", "-o", "schema.d.ts"]
    _run([*command, *GENERATE[1:]], folder)
    return folder


def test_generated_types_compile_strict(project: Path) -> None:
    _run([_tool("tsc"), "-p", "tsconfig.json"], project)
    assert (project / "recipe.js").exists()


def test_the_client_drives_the_live_server(project: Path, served: Served) -> None:
    _run([_tool("tsc"), "-p", "tsconfig.json"], project)
    key = served.key_after("Development key")
    result = _run(
        ["node", "recipe.js"], project, SAASIGNAL_BASE_URL=served.url, SAASIGNAL_API_KEY=key
    )
    said = result.stdout.splitlines()
    assert "ok: a stale If-Match is 412" in said, result.stdout
    assert "ok: the filter's walk: 5 in 3 pages" in said, result.stdout
    assert said[-1] == "ok: an unknown id is a typed 404", result.stdout


def test_a_field_with_a_default_stays_optional(project: Path) -> None:
    """openapi-typescript's defaultNonNullable would make `type` required in a request body
    (its issues 1741 and 2012): the recipe's flag keeps it optional."""
    types = (project / "schema.d.ts").read_text()
    create = types[types.index("CreateConversation: {") :]
    assert "type?: components" in create.split("};")[0]
