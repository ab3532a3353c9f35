# Kaigong — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RUN_ENV := DJANGO_SETTINGS_MODULE=config.settings.run

.PHONY: install run dev serve browser-deps test test-sqlite test-postgres lint check schema bench demo messages fuzz clean

## install: the set-up alone (virtualenv, pinned dependencies, translations)
install: $(STAMP)

$(STAMP): requirements/base.txt requirements/dev.txt requirements/constraints.txt scripts/setup.sh
	@bash scripts/setup.sh
	@touch $(STAMP)

## run: the product on one machine: set up, migrate, collect static files, load the demo data
## into an empty database, serve through gunicorn (uvicorn workers, DEBUG off) on
## 127.0.0.1:$(PORT) with the embedded runner (periodic jobs, outbox relay) beside it
run: install
	@$(RUN_ENV) $(PY) manage.py migrate --noinput -v 0
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@$(RUN_ENV) $(PY) manage.py demo_load --if-empty
	@$(RUN_ENV) $(PY) manage.py demo_logins
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@$(RUN_ENV) $(PY) manage.py serve --bind 127.0.0.1:$(PORT)

## dev: the same for developers, with Django's development server and DEBUG on
dev: install
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py demo_load --if-empty
	@$(PY) manage.py demo_logins
	@echo "Development server on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@$(PY) manage.py serve --dev --bind 127.0.0.1:$(PORT)

## test: set up, lint, checks, the whole suite on SQLite and then on PostgreSQL
test: install lint check browser-deps test-sqlite test-postgres

browser-deps:
	@bash scripts/system_packages.sh chromium

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check --quiet . || (echo "ruff format would change files: run '$(VENV)/bin/ruff format .'" && exit 1)
	@$(VENV)/bin/lint-imports --no-cache
	@$(PY) scripts/typecheck.py

check: install
	@DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --database default --fail-level WARNING
	@DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run >/dev/null || (echo "Missing migrations: run manage.py makemigrations" && exit 1)
	@bash scripts/check_schema.sh

test-sqlite: install
	@bash scripts/test.sh sqlite

test-postgres: install
	@bash scripts/test.sh postgres

## schema: regenerate the committed OpenAPI schema (docs/api/openapi.yaml)
schema: install
	@DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py spectacular --file docs/api/openapi.yaml --validate --fail-on-warn

## messages: refresh the zh_Hans translation files of every app (needs GNU gettext)
messages: install
	@bash scripts/makemessages.sh

## bench: the benchmarks and their budgets (figures in README.md)
bench: install
	@bash scripts/bench.sh

## fuzz: the outside fuzzing run: the product as `make run` serves it, on a fresh PostgreSQL
## database (FUZZ_DB, default kg_fuzz) with the demo, fuzzed by the schemathesis CLI as every
## role for about ten minutes (docs/api.md)
fuzz: install
	@bash scripts/fuzz_outside.sh

## demo: load the demo data (into an empty database)
demo: install
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py demo_load --if-empty

clean:
	rm -rf $(VENV) var db.sqlite3
