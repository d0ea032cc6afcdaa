# CPTS Portal. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --quiet --disable-pip-version-check
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# The demo: SQLite, tasks in-process, no broker, the demo accounts on the login page.
DEMO_ENV := DATABASE_URL=sqlite:///db.sqlite3 REDIS_URL= CELERY_TASK_ALWAYS_EAGER=true DEMO_MODE=true DJANGO_DEBUG=false

.PHONY: install system-deps run worker beat test lint format migrations-check check bench clean

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

test: install
	@bash scripts/system-deps.sh --test
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

check: lint migrations-check
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media
