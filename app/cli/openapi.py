"""`saasignal openapi`: print the OpenAPI document, no server and no Redis needed."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from app.openapi.build import build_document


def cmd_openapi(args: argparse.Namespace) -> None:
    """Write the document as indented JSON to stdout."""
    text = json.dumps(build_document(), indent=2, ensure_ascii=False) + "\n"
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left early (`saasignal openapi | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def register(commands: Any) -> None:
    openapi = commands.add_parser(
        "openapi",
        help="print the OpenAPI 3.1 document (e.g. saasignal openapi > openapi.json)",
        description="Print the OpenAPI 3.1 document the service serves at /openapi.json; "
        "needs no server and no Redis.",
    )
    openapi.set_defaults(run=cmd_openapi)
