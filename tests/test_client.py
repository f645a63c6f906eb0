"""The shipped Python client (clients/python): generated without a warning, never drifting, small.

The committed generated layer (saasignal_client/generated) is compared byte for byte with a
fresh generation by the pinned openapi-python-client (`clients/generate_python.py`, what
`make client` runs), so the client cannot drift from the service's document; the
hand-written layer around it survives the regeneration untouched. Every documented error
response of every operation is fed through the generated client and must come out as the
one `ErrorEnvelope` model.
"""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import httpx
import pytest
from saasignal_client import AuthenticatedClient, models
from saasignal_client.models import ErrorEnvelope

from app.openapi.build import build_document
from app.openapi.parts import (
    EXAMPLE_DELIVERY_ID,
    EXAMPLE_ENDPOINT_ID,
    EXAMPLE_EVENT_ID,
    EXAMPLE_ID,
)
from clients.generate_python import DEFAULT_OUTPUT, PACKAGE, generate

EXAMPLE = PACKAGE.parent / "examples" / "quickstart.py"
# Files the tools of a checkout leave beside the generated ones (.pdm-build: the editable
# install of `make`, which ignores itself in git).
IGNORED = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", ".pdm-build", "build"}
MODELS_PER_OPERATION = 3
# A value for each path parameter, by name.
PATH_EXAMPLES = {
    "conversation_id": EXAMPLE_ID,
    "event_id": EXAMPLE_EVENT_ID,
    "endpoint_id": EXAMPLE_ENDPOINT_ID,
    "delivery_id": EXAMPLE_DELIVERY_ID,
}


def _files(root: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(p in IGNORED or p.endswith(".egg-info") for p in parts):
            found["/".join(parts)] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, CompletedProcess[str]]]:
    """A copy of the package whose generated layer is generated now from the current
    document, and the generator's run."""
    package = tmp_path_factory.mktemp("client") / PACKAGE.name
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns(*IGNORED))
    yield package, generate(package / DEFAULT_OUTPUT.name)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def test_the_generator_prints_no_warning(fresh: tuple[Path, CompletedProcess[str]]) -> None:
    _, run = fresh
    assert run.returncode == 0, run.stdout + run.stderr
    report = (run.stdout + run.stderr).lower()
    assert "warning" not in report and "error" not in report, report
    assert run.stdout.strip().startswith("Generating"), report


def test_the_committed_client_is_what_the_generator_makes_now(
    fresh: tuple[Path, CompletedProcess[str]],
) -> None:
    package, _ = fresh
    committed, generated = _files(DEFAULT_OUTPUT), _files(package / DEFAULT_OUTPUT.name)
    assert sorted(committed) == sorted(generated), "run `make client` and commit clients/python"
    changed = [name for name in generated if committed[name] != generated[name]]
    assert changed == [], "run `make client` and commit clients/python"


def test_regeneration_keeps_the_hand_written_layer(
    fresh: tuple[Path, CompletedProcess[str]],
) -> None:
    package, _ = fresh
    hand_written = {n: b for n, b in _files(PACKAGE).items() if not n.startswith("generated/")}
    assert {"__init__.py", "_base.py", "errors.py", "conversations.py"} <= set(hand_written)
    after = {n: b for n, b in _files(package).items() if not n.startswith("generated/")}
    assert after == hand_written


def test_the_generator_replaces_only_a_generated_layer(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("x = 1\n")
    with pytest.raises(SystemExit, match="no generated layer"):
        generate(tmp_path)
    assert (tmp_path / "mine.py").read_text() == "x = 1\n"


def test_at_most_three_model_classes_per_operation() -> None:
    classes = [
        node.name
        for module in sorted((DEFAULT_OUTPUT / "models").glob("*.py"))
        for node in ast.walk(ast.parse(module.read_text()))
        if isinstance(node, ast.ClassDef)
    ]
    operations = len(_operations(build_document()))
    assert len(classes) <= MODELS_PER_OPERATION * operations, classes
    assert "ErrorEnvelope" in classes and "ErrorDetail" in classes


def _module(operation: dict[str, Any]) -> Any:
    tag = operation["tags"][0].lower()
    name = operation["operationId"]
    return importlib.import_module(f"saasignal_client.generated.api.{tag}.{name}")


def _required_body(operation: dict[str, Any]) -> dict[str, Any]:
    """`body=` for an operation whose body is required: its example, as the generated model."""
    body = operation.get("requestBody", {})
    if not body.get("required"):
        return {}
    media = body["content"]["application/json"]
    model = getattr(models, media["schema"]["$ref"].rsplit("/", 1)[1])
    return {"body": model.from_dict(media["example"])}


def test_every_documented_error_parses_into_the_one_error_model() -> None:
    """Each operation's error examples, answered by a fake server, come back as `ErrorEnvelope`."""
    checked = 0
    for path, _, operation in _operations(build_document()):
        for status, response in operation["responses"].items():
            if status != "default" and int(status) < 400:
                continue
            example = response["content"]["application/json"]["example"]
            code = 500 if status == "default" else int(status)
            transport = httpx.MockTransport(lambda _, c=code, e=example: httpx.Response(c, json=e))
            client = AuthenticatedClient(
                base_url="http://saasignal.test",
                token="sk_live_x",
                httpx_args={"transport": transport},
            )
            arguments = [PATH_EXAMPLES[name] for name in re.findall(r"{(\w+)}", path)]
            with client:
                call = _module(operation).sync_detailed
                parsed = call(*arguments, client=client, **_required_body(operation)).parsed
            assert isinstance(parsed, ErrorEnvelope), (operation["operationId"], status, parsed)
            assert parsed.error.code == example["error"]["code"]
            assert parsed.to_dict() == example
            checked += 1
    assert checked > 80


def test_the_client_passes_mypy_strict(tmp_path: Path) -> None:
    """Typed for its users: the package (both layers) and the README's example script
    check under `mypy --strict`."""
    mypy = Path(sys.executable).parent / "mypy"
    # No namespace packages: the repository's `clients` package would name the files twice.
    strict = [str(mypy), "--strict", "--no-namespace-packages", "--cache-dir", str(tmp_path)]
    command = [*strict, str(PACKAGE), str(EXAMPLE)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
