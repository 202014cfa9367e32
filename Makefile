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
# The explorer's bundle (api/web/explorer/build.mjs): rebuilt when its sources or the npm packages change.
EXPLORER_BUNDLE := api/web/explorer/build/explorer.js
EXPLORER_SOURCES := $(shell find api/web/explorer/src -type f) api/web/explorer/build.mjs
# The browser tests drive Debian's Chromium (tests/web/); Playwright never downloads a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# Without NEO4J_URI, the project's own local Neo4j (ops/neo4j_local.py): `dev` for run, `test` for tests.
DEV_PORT ?= 7687
TEST_PORT ?= 7688
ifndef NEO4J_URI
export NEO4J_URI := bolt://127.0.0.1:$(DEV_PORT)
LOCAL_NEO4J := 1
endif

# The development identity provider (ops/keycloak_local.py, README "Signing in"): Keycloak on KEYCLOAK_PORT, whose
# issuer `make run` adds to AUTH_ISSUERS (comma-separated) for the API. `make run KEYCLOAK=0` runs without it.
KEYCLOAK ?= 1
KEYCLOAK_PORT ?= 8180
comma := ,
ifneq ($(KEYCLOAK),0)
KEYCLOAK_ISSUER := http://127.0.0.1:$(KEYCLOAK_PORT)/realms/tracegraph
run: export AUTH_ISSUERS := $(if $(AUTH_ISSUERS),$(AUTH_ISSUERS)$(comma))$(KEYCLOAK_ISSUER)
run: export EXPLORER_OIDC_ISSUER ?= $(KEYCLOAK_ISSUER)
endif
.PHONY: install install-bench lock run neo4j-start neo4j-stop neo4j-status keycloak-start keycloak-stop chromium \
	test lint format demo bench bench-all load soak faults clean

install: $(STAMP) $(WEB_STAMP) $(EXPLORER_BUNDLE) cjk-font

# The CJK font the PDF reports embed (graph/reports/pdf.py FONT_CANDIDATES): Debian's fonts-noto-cjk when no
# candidate is there (apt-get; set REPORT_FONT to use another file).
CJK_FONTS := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
	/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
.PHONY: cjk-font
cjk-font:
	@test -z "$(REPORT_FONT)" || exit 0; for f in $(CJK_FONTS); do test -f $$f && exit 0; done; \
	apt-get update -qq && apt-get install -y -qq fonts-noto-cjk
$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $@

# The browser pages' scripts and styles, from api/web/package-lock.json (integrity-checked, install scripts not run):
# the service serves them itself, so the explorer, GraphiQL, /docs and /redoc work with no internet (api/web/assets.py).
$(WEB_STAMP): api/web/package.json api/web/package-lock.json api/web/.npmrc
	cd api/web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(EXPLORER_BUNDLE): $(WEB_STAMP) $(EXPLORER_SOURCES)
	cd api/web && npm run --silent build

# Debian's Chromium for the browser tests, installed when absent (apt-get; no browser download by Playwright).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

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

# Starts in the background (its first start takes minutes) while Neo4j starts and the demo imports; `run` waits.
keycloak-start: install
ifneq ($(KEYCLOAK),0)
	$(PY) ops/keycloak_local.py start --no-wait --port $(KEYCLOAK_PORT)
endif

keycloak-stop:
	-$(PY) ops/keycloak_local.py stop

demo: neo4j-start
	$(VENV)/bin/tracegraph import seed/demo.ndjson

# The local token issuer (api/local_issuer.py) is on for local runs, unless AUTH_LOCAL_ISSUER says otherwise; Keycloak's
# issuer is accepted beside it (KEYCLOAK=0: without Keycloak).
run: keycloak-start demo
ifneq ($(KEYCLOAK),0)
	$(PY) ops/keycloak_local.py start --port $(KEYCLOAK_PORT)
endif
	@echo "Explorer: http://127.0.0.1:8000/explore  GraphiQL: http://127.0.0.1:8000/graphql  token: $(VENV)/bin/tracegraph token --role investigator --sub you"
	@echo '  (GraphiQL Headers pane: {"Authorization": "Bearer <token>"}; roles: README.md "Roles and tokens")'
	AUTH_LOCAL_ISSUER=$${AUTH_LOCAL_ISSUER:-1} $(VENV)/bin/tracegraph serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The suite finds its Neo4j itself (tests/conftest.py): NEO4J_URI, else Docker, else the local `test` instance.
test: lint chromium
ifdef LOCAL_NEO4J
	env -u NEO4J_URI NEO4J_TEST_PORT=$(TEST_PORT) $(VENV)/bin/pytest
else
	$(VENV)/bin/pytest
endif

# Benchmarks (bench/run.py): SIZE=S (about 10 000 lots), M (100 000, the default) or L (1 000 000). Needs PostgreSQL 15
# from Debian's packages (apt-get install postgresql-15); uses its own Neo4j instance `bench` on BENCH_PORT, a
# throwaway PostgreSQL on BENCH_PG_PORT and the API on BENCH_HTTP_PORT. Each run merges its size into
# bench/out/results.json and redraws the plots (bench/plots.py -> bench/out/*.png, copied to bench/plots/).
# BENCH_LOAD=initial loads through ops/initial_load.py (neo4j-admin) instead of the normal import.
SIZE ?= M
BENCH_PORT ?= 7690
BENCH_PG_PORT ?= 5499
BENCH_HTTP_PORT ?= 8799
BENCH_LOAD ?= import
BENCH_OPTS ?=
# At L: fewer starts (the checks and the timings touch every system), a larger page cache for the 1 000 000-lot store.
BENCH_OPTS_L ?= --starts 100 --contagion-starts 10 --heap 4g --pagecache 6g
BENCH_RUN = $(PY) -m bench.run --port $(BENCH_PORT) --pg-port $(BENCH_PG_PORT) --http-port $(BENCH_HTTP_PORT) \
	--load $(BENCH_LOAD)
BENCH_STAMP := $(VENV)/.bench-$(shell cat pyproject.toml requirements/bench.lock | sha1sum | cut -c1-12)

install-bench: $(BENCH_STAMP)
$(BENCH_STAMP): $(STAMP) requirements/bench.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements/bench.lock
	rm -f $(VENV)/.bench-* && touch $@

bench: install-bench
	$(BENCH_RUN) --size $(SIZE) $(if $(filter L,$(SIZE)),$(BENCH_OPTS_L)) $(BENCH_OPTS)
	$(PY) -m bench.plots
	-$(PY) ops/neo4j_local.py stop --instance bench

# S, M and L one after another into one results.json, then the plots (README: how long each takes).
bench-all: install-bench
	$(BENCH_RUN) --size S $(BENCH_OPTS)
	$(BENCH_RUN) --size M $(BENCH_OPTS)
	$(BENCH_RUN) --size L $(BENCH_OPTS_L) $(BENCH_OPTS)
	$(PY) -m bench.plots
	-$(PY) ops/neo4j_local.py stop --instance bench

# Load (bench/load.py): LOAD_WORKERS API worker processes, 1, 8, 32 and 128 concurrent clients for LOAD_DURATION
# each, then 32 beside 200 idle and 20 slowloris connections; data set S in the bench instance. About 5 minutes.
# Fails on any 5xx. `make soak`: 32 clients for SOAK (30m), memory of every process sampled, slope per minute.
LOAD_WORKERS ?= 2
LOAD_DURATION ?= 30s
SOAK ?= 30m
LOAD_RUN = $(PY) -m bench.load --port $(BENCH_PORT) --http-port $(BENCH_HTTP_PORT) --workers $(LOAD_WORKERS)

load: install-bench
	$(LOAD_RUN) --duration $(LOAD_DURATION)
	$(PY) -m bench.plots
	-$(PY) ops/neo4j_local.py stop --instance bench

soak: install-bench
	$(LOAD_RUN) --soak $(SOAK)
	$(PY) -m bench.plots
	-$(PY) ops/neo4j_local.py stop --instance bench

# Fault injection (ops/faults.py): kill -9 Neo4j, the API and the CLI during imports, import jobs, EPCIS captures and
# credit decisions on data set FAULTS_SIZE, restart, re-run or resume, compare with a clean run; fails unless nothing
# is lost, duplicated or out of step. Its own Neo4j instance `faults` (FAULTS_PORT) and API port (FAULTS_API_PORT).
FAULTS_SIZE ?= S
FAULTS_PORT ?= 7691
FAULTS_API_PORT ?= 8791
faults: install
	$(PY) ops/faults.py --size $(FAULTS_SIZE) --port $(FAULTS_PORT) --api-port $(FAULTS_API_PORT)

clean: neo4j-stop keycloak-stop
	rm -rf var .neo4j $(VENV) api/web/node_modules
