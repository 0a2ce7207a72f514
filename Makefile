# The two commands of the README: `make run` and `make test`. The rest serve them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/returnee_portal
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) \
	CACHE_URL=redis://127.0.0.1:6379/14 CELERY_BROKER_URL=redis://127.0.0.1:6379/15 \
	RATE_LIMITS_ENABLED=true DEBUG=true

.PHONY: install run test lint format messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	scripts/services.sh redis
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 with a Celery worker and beat; Ctrl-C stops all."
	$(BIN)/honcho start -f Procfile.dev

test: install
	scripts/services.sh
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'
