# Every target creates .venv and installs the project first, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint format bench client clean

# The shipped client (clients/python) is installed too, editable: the tests drive the
# committed copy, so a regenerated client is what they see.
$(STAMP): pyproject.toml clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e ./clients/python
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/saasignal serve --host 127.0.0.1 --port $${PORT:-8000}

# The node tools of tools/package.json (Redocly CLI, the TypeScript recipe's generator and
# compiler), pinned by tools/package-lock.json, in tools/node_modules: never global.
NODE_STAMP := tools/node_modules/.installed
$(NODE_STAMP): tools/package.json tools/package-lock.json
	command -v npm >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	cd tools && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

# The OpenAPI document as `saasignal openapi` prints it (what /openapi.json serves), linted by
# Redocly's recommended rules: it must report nothing.
lint: $(STAMP) $(NODE_STAMP)
	$(BIN)/saasignal openapi > $(VENV)/openapi.json
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true tools/node_modules/.bin/redocly lint \
		--config tools/redocly.yaml --format=stylish $(VENV)/openapi.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict app
	$(BIN)/mypy --strict --no-namespace-packages clients/python/saasignal_client clients/python/examples
	$(BIN)/lint-imports
	$(BIN)/vulture app bench harness tests clients/generate_python.py --min-confidence 80

# Two pytest processes (pytest-xdist), a test file to each at a time, so that a file's module
# fixtures (a gunicorn, a redis-server) start once; each process starts its own servers on
# free ports. PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= 2
test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) || true
	command -v npm >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) || true
	$(BIN)/python -m bench $(BENCH_MODE)

# Regenerate the generated layer of the Python client (clients/python/saasignal_client/generated)
# from the OpenAPI document (commit the result); the hand-written layer around it is kept.
client: $(STAMP)
	$(BIN)/python -m clients.generate_python

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/.cache
