"""Generate the generated layer of the Python client from the service's OpenAPI document.

    python -m clients.generate_python [OUTPUT]
    # default: clients/python/saasignal_client/generated (`make client`)

The shipped client `clients/python` (package `saasignal_client`) is a small hand-written
layer (`SaaSignal`, its resources, `ApiError` and its subclasses) over this generated
subpackage, `saasignal_client.generated`, which is the only part replaced here: the
hand-written modules, the package's README and pyproject survive every regeneration.

The document is built in Python (`app.openapi.build.build_document`, what `saasignal openapi`
prints), then the pinned openapi-python-client of the dev extras generates the subpackage
(`--meta none`: no project files) with the committed configuration
`clients/openapi-python-client.yaml` and the template override in `clients/templates`. Its
post-hooks (ruff fix and format, isolated from any configuration file) run the ruff of the
same environment, also pinned, so the output depends only on the document, the templates
and pinned tools: tests/test_client.py regenerates into a temporary folder and fails on any
difference from the committed copy. The generator's own output (warnings included) is
printed; the exit status is the generator's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from app.openapi.build import build_document

CLIENTS = Path(__file__).resolve().parent
CONFIG = CLIENTS / "openapi-python-client.yaml"
TEMPLATES = CLIENTS / "templates"
PACKAGE = CLIENTS / "python" / "saasignal_client"
DEFAULT_OUTPUT = PACKAGE / "generated"
# What every generated layer holds: a folder without them is not replaced.
GENERATED_MARKS = ("client.py", "types.py", "api", "models")
# What the generator's tools leave behind that is not part of the client.
LEFTOVERS = (".ruff_cache",)


def generate(output: Path) -> subprocess.CompletedProcess[str]:
    """Generate the generated layer into `output` (replaced whole); the generator's run, output
    captured."""
    bin_dir = Path(sys.executable).parent
    if output.exists():
        if any(output.iterdir()) and not all((output / m).exists() for m in GENERATED_MARKS):
            raise SystemExit(f"{output} is not empty and is no generated layer: not replacing it")
        shutil.rmtree(output)
    with tempfile.TemporaryDirectory(prefix="saasignal-openapi-") as folder:
        document = Path(folder) / "openapi.json"
        document.write_text(json.dumps(build_document(), indent=2, ensure_ascii=False) + "\n")
        command = [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path", str(document),
            "--config", str(CONFIG),
            "--custom-template-path", str(TEMPLATES),
            "--meta", "none",
            "--output-path", str(output),
        ]  # fmt: skip
        # The post-hooks call `ruff` by name: make it this environment's, the pinned one.
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    for leftover in LEFTOVERS:
        shutil.rmtree(output / leftover, ignore_errors=True)
    return result


def main(argv: list[str]) -> int:
    output = Path(argv[0]).resolve() if argv else DEFAULT_OUTPUT
    result = generate(output)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
