# The two set-up commands are `make run` and `make test`; see the README.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app consultation
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run serve worker test audit-dependencies lock lint format check-python install install-dev vendor-assets clean translations compile-translations

run: check-python $(VENV)/.installed compile-translations
	@$(PYTHON) scripts/check-system-libs --warn
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production serving: gunicorn with WORKERS processes (sync workers; set DATABASE_URL,
# REDIS_URL, SECRET_KEY, BASE_URL and CONSULTATION_ENV=production; see the README).
WORKERS ?= 2
serve: check-python $(VENV)/.installed compile-translations
	@if [ -z "$$REDIS_URL" ] && [ "$(WORKERS)" -gt 1 ]; then \
		echo "Warning: $(WORKERS) workers without REDIS_URL: each counts failed sign-ins on its own," \
			"so $(WORKERS) times LOGIN_FAILURE_LIMIT are allowed. Set REDIS_URL, or WORKERS=1." >&2; \
	fi
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) \
		--access-logfile - --logger-class consultation.access_log.RedactingLogger \
		--max-requests 20000 --max-requests-jitter 2000 \
		'consultation:create_app()'

# Runs queued background jobs; needed only when REDIS_URL is set.
worker: $(VENV)/.installed
	$(FLASK) worker

# Runs the suite on SQLite, then on PostgreSQL. Without a PostgreSQL server the second run
# stops at once and says so; under CI=true that fails instead.
test: check-python $(VENV)/.installed-dev compile-translations
	@$(PYTHON) scripts/check-system-libs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	@echo "== The suite on SQLite"
	$(BIN)/pytest
	@echo "== The suite on PostgreSQL ($(TEST_POSTGRES_URL))"
	TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/pytest

# Fails on a pin of requirements.lock with a known vulnerability; says so, and passes, when
# the advisory database cannot be reached.
audit-dependencies: $(VENV)/.installed-dev
	$(BIN)/python scripts/audit-dependencies

# The exact versions, with their hashes, that a deployment installs
# (pip install --require-hashes -r requirements.lock); run after changing pyproject.toml.
lock: $(VENV)/.installed-dev
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Consultation needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version)."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null \
		|| { echo "Python's venv module is missing. Install it with:"; \
		     echo "  sudo apt-get install python3-venv"; exit 1; }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

TRANSLATIONS := consultation/translations

# Extracts every translatable string into messages.pot (--ignore-dirs: Babel skips folders
# starting with "_", such as templates/_macros, unless told otherwise) and merges it into the French and
# Arabic catalogues; translate the new entries (the tests fail on any left empty or fuzzy).
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
		--ignore-dirs '.* __pycache__' --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

# The compiled catalogues (*.mo) are built, not committed.
compile-translations: $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d $(TRANSLATIONS)

# Refreshes static/vendor/ and static/fonts/ from the npm registry (needs npm; running the app does not).
vendor-assets:
	scripts/vendor-assets

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
