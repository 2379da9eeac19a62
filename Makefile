PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-v2 drills lint format clean

## make run: start Roost (web + worker + beat) on the embedded defaults at http://127.0.0.1:8000
run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho -f Procfile.dev start

## make test: lint, check formatting and run the whole test suite
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## make test-v2: the end-to-end, intake, sign-in, sending and bot tests again on the X API v2 wire
test-v2: $(VENV)/.dev-installed
	TWITTER_API_VERSION=2 $(BIN)/python -m pytest tests/e2e tests/webhooks tests/accounts tests/engagement tests/twitter

## make drills: fault drills against real processes (needs PostgreSQL and Redis; see docs/reliability.md)
## DATABASE_URL / REDIS_URL name the servers (default: local, postgres user); only databases
## roost_drills* and Redis db 6 are used.
drills: $(VENV)/.dev-installed
	ROOST_DRILLS=1 $(BIN)/python -m pytest tests/drills --timeout 600 -v

## make format: apply ruff's fixes and formatting
format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed
