# The two commands of the README: `make run` and `make test`. The rest serve them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/returnee_portal
# `make run` serves the demo from this PostgreSQL database, made if missing.
RUN_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/returnee_portal_demo
# Tests empty this Redis database (and, with several workers, the ones below it: 13, ...):
# runs side by side need their own.
TEST_CACHE_URL ?= redis://127.0.0.1:6379/14
# pytest-xdist processes; 0 runs the tests in one process.
TEST_WORKERS ?= 2
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) \
	CACHE_URL=$(TEST_CACHE_URL) CELERY_BROKER_URL=redis://127.0.0.1:6379/15 \
	RATE_LIMITS_ENABLED=true DEBUG=true

# The matching benchmark's own database: made and migrated if missing, synthetic data made
# in it on the first run (see benchmarks/README.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/returnee_portal_bench
BENCH_ARGS ?=
# The web load benchmark's own database, likewise (see benchmarks/README.md).
BENCH_WEB_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/returnee_portal_web_bench
BENCH_WEB_ARGS ?=
# The policy search benchmark's database: made and migrated if missing; the demo data and
# 5,000 synthetic policies made in it on the first run.
SEARCH_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/returnee_portal_search_bench

.PHONY: install run test lint format messages bench bench-web bench-search

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	scripts/services.sh
	psql "$(RUN_DATABASE_URL)" -qAtc "select 1" >/dev/null 2>&1 || \
		createdb --maintenance-db="$(dir $(RUN_DATABASE_URL))postgres" "$(notdir $(RUN_DATABASE_URL))"
	DATABASE_URL=$(RUN_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(RUN_DATABASE_URL) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 with a Celery worker and beat; Ctrl-C stops all."
	DATABASE_URL=$(RUN_DATABASE_URL) $(BIN)/honcho start -f Procfile.dev

test: install
	scripts/services.sh
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/bandit -r . -c pyproject.toml -q --severity-level medium

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

bench: install
	scripts/services.sh
	psql "$(BENCH_DATABASE_URL)" -qAtc "select 1" >/dev/null 2>&1 || \
		createdb --maintenance-db="$(dir $(BENCH_DATABASE_URL))postgres" "$(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python scripts/benchmark_matching.py $(BENCH_ARGS)

bench-web: install
	scripts/services.sh
	psql "$(BENCH_WEB_DATABASE_URL)" -qAtc "select 1" >/dev/null 2>&1 || \
		createdb --maintenance-db="$(dir $(BENCH_WEB_DATABASE_URL))postgres" "$(notdir $(BENCH_WEB_DATABASE_URL))"
	DATABASE_URL=$(BENCH_WEB_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_WEB_DATABASE_URL) $(BIN)/python scripts/benchmark_web.py $(BENCH_WEB_ARGS)

bench-search: install
	scripts/services.sh
	psql "$(SEARCH_BENCH_DATABASE_URL)" -qAtc "select 1" >/dev/null 2>&1 || \
		createdb --maintenance-db="$(dir $(SEARCH_BENCH_DATABASE_URL))postgres" "$(notdir $(SEARCH_BENCH_DATABASE_URL))"
	DATABASE_URL=$(SEARCH_BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(SEARCH_BENCH_DATABASE_URL) $(BIN)/python scripts/benchmark_search.py \
		--output benchmarks/search.json $(BENCH_ARGS)
