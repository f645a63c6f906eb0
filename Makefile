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

lint: $(STAMP)
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
