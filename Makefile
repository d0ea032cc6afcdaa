# CPTS Portal. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --quiet --disable-pip-version-check
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# The demo: SQLite, tasks in-process, no broker, the demo accounts on the login page.
DEMO_ENV := DATABASE_URL=sqlite:///db.sqlite3 REDIS_URL= CELERY_TASK_ALWAYS_EAGER=true DEMO_MODE=true DJANGO_DEBUG=false

.PHONY: install system-deps oidc-provider run worker beat test lint lint-imports format migrations-check check bench bench-deps loadtest clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

run: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "CPTS Portal: http://127.0.0.1:8000"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

worker: install
	$(BIN)/celery -A cpts_portal worker --loglevel INFO

beat: install
	$(BIN)/celery -A cpts_portal beat --loglevel INFO

# The suite on every core (pytest-xdist; one test database and media folder per worker).
TEST_WORKERS ?= auto

test: install
	@bash scripts/system-deps.sh --test
	@$(MAKE) --no-print-directory oidc-provider
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The node tools of the browser tests, pinned in tests/oidc/package-lock.json: the local
# OpenID Connect provider of the ProConnect tests (oidc-provider) and axe-core (accessibility
# checks, tests/e2e/test_accessibility.py); reinstalled when the lock file changes.
oidc-provider:
	@if command -v npm >/dev/null && [ ! tests/oidc/node_modules/.package-lock.json -nt tests/oidc/package-lock.json ]; then \
		npm ci --prefix tests/oidc --no-audit --no-fund --silent; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# The import contracts of .importlinter (docs/architecture.md); lint-imports puts the current
# directory (the repository root) on sys.path to find the apps.
lint-imports: install
	$(BIN)/lint-imports --no-cache --no-logo

check: lint lint-imports migrations-check
	$(BIN)/python manage.py check

# The benchmark (bench/): its own PostgreSQL database, created when missing; seeds 15 then
# 1 500 CPTS, measures the main pages and the projet de santé PDF, writes bench/results.json,
# bench/details.json, bench/pdf.json and bench/RESULTS.md.
BENCH_DB ?= cpts_bench
BENCH_PG ?= -h 127.0.0.1 -U postgres
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_ENV := DATABASE_URL=$(BENCH_URL) REDIS_URL= CELERY_TASK_ALWAYS_EAGER=true DEMO_MODE=false DJANGO_DEBUG=false DATABASE_CONN_MAX_AGE=60

bench: install
	psql $(BENCH_PG) -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 || createdb $(BENCH_PG) $(BENCH_DB)
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BENCH_ENV) $(BIN)/python manage.py load_referential --verbosity 0
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BENCH_ENV) $(BIN)/python -m bench.run --sizes 15 1500
	$(BENCH_ENV) $(BIN)/python -m bench.pdf --fiches 40
	$(BENCH_ENV) $(BIN)/python -m bench.report

# The bench's tools (pyinstrument for `python -m bench.profile PAGE`, Locust), not in `make test`.
bench-deps: install
	$(PIP) install -e '.[test,bench]'

# Load test through a real server (bench/loadtest.py): gunicorn on 127.0.0.1, a Celery worker,
# PostgreSQL and Redis, on the scale data `make bench` leaves (1 500 CPTS); Locust headless,
# LOADTEST_USERS concurrent users for LOADTEST_SECONDS each. Writes bench/load.json and the
# load section of bench/RESULTS.md. Needs Redis (LOADTEST_REDIS).
LOADTEST_USERS ?= 10 50
LOADTEST_SECONDS ?= 60
LOADTEST_REDIS ?= redis://127.0.0.1:6379/7
loadtest: bench-deps
	$(BENCH_ENV) REDIS_URL=$(LOADTEST_REDIS) $(BIN)/python -m bench.loadtest --users $(LOADTEST_USERS) --duration $(LOADTEST_SECONDS)
	$(BENCH_ENV) $(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media
