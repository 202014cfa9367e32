# Two commands on a fresh machine: `make run` and `make test` (README.md). Everything else is a step of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Every install comes from a lock file with hashes (requirements/*.lock, from `make lock`); the project itself is
# then installed without its dependencies and without fetching a build backend.
LOCK_OPTS := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --generate-hashes --no-header -q \
	--custom-compile-command "make lock"
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/dev.lock | sha1sum | cut -c1-12)
WEB_STAMP := api/web/node_modules/.installed
# Without NEO4J_URI, the project's own local Neo4j (ops/neo4j_local.py): `dev` for run, `test` for tests.
DEV_PORT ?= 7687
TEST_PORT ?= 7688
ifndef NEO4J_URI
export NEO4J_URI := bolt://127.0.0.1:$(DEV_PORT)
LOCAL_NEO4J := 1
endif

.PHONY: install install-bench lock run neo4j-start neo4j-stop neo4j-status test lint format demo bench faults clean

install: $(STAMP) $(WEB_STAMP)
$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $@

# The browser pages' scripts and styles, from api/web/package-lock.json (integrity-checked, install scripts not run):
# the service serves them itself, so GraphiQL, /docs and /redoc work with no internet (api/web/assets.py).
$(WEB_STAMP): api/web/package.json api/web/package-lock.json api/web/.npmrc
	cd api/web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Re-resolve the lock files after a change of pyproject.toml's pins.
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra build $(LOCK_OPTS) -o requirements/deploy.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra build --extra dev $(LOCK_OPTS) -o requirements/dev.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra build --extra dev --extra bench $(LOCK_OPTS) -o requirements/bench.lock

neo4j-start: install
ifdef LOCAL_NEO4J
	$(PY) ops/neo4j_local.py start --instance dev --port $(DEV_PORT)
endif

neo4j-stop:
	-$(PY) ops/neo4j_local.py stop --instance dev
	-$(PY) ops/neo4j_local.py stop --instance test

neo4j-status:
	-$(PY) ops/neo4j_local.py status --instance dev
	-$(PY) ops/neo4j_local.py status --instance test

demo: neo4j-start
	$(VENV)/bin/tracegraph import seed/demo.ndjson

run: demo
	$(VENV)/bin/tracegraph serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The suite finds its Neo4j itself (tests/conftest.py): NEO4J_URI, else Docker, else the local `test` instance.
test: lint
ifdef LOCAL_NEO4J
	env -u NEO4J_URI NEO4J_TEST_PORT=$(TEST_PORT) $(VENV)/bin/pytest
else
	$(VENV)/bin/pytest
endif

# Benchmarks (bench/run.py): SIZE=S (about 10 000 batches, minutes) or M (100 000, the default). Needs PostgreSQL 15
# from Debian's packages (apt-get install postgresql-15); uses its own Neo4j instance `bench` on BENCH_PORT.
SIZE ?= M
BENCH_PORT ?= 7690
BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml requirements/bench.lock | sha1sum | cut -c1-12)

install-bench: $(BENCH_STAMP)
$(BENCH_STAMP): $(STAMP) requirements/bench.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements/bench.lock
	rm -f $(VENV)/.bench-* && touch $@

bench: install-bench
	$(PY) -m bench.run --size $(SIZE) --port $(BENCH_PORT)
	-$(PY) ops/neo4j_local.py stop --instance bench

# Fault injection (ops/faults.py): kill -9 Neo4j during an import of data set FAULTS_SIZE, restart, re-run, compare
# with a clean run; fails unless nothing is lost, duplicated or out of step. Its own Neo4j instance `faults`.
FAULTS_SIZE ?= S
FAULTS_PORT ?= 7691
faults: install
	$(PY) ops/faults.py --size $(FAULTS_SIZE) --port $(FAULTS_PORT)

clean: neo4j-stop
	rm -rf var .neo4j $(VENV) api/web/node_modules
