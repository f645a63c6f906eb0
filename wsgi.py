"""The WSGI entry point: `gunicorn wsgi:app`."""

from __future__ import annotations

import sys

from app import create_app
from app.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.stderr.write(f"saasignal: {error}\n")
    raise SystemExit(1) from None
