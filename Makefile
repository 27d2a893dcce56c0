# Stofrum: `make run` serves the demo on SQLite, `make test` runs every test.
# `make run` makes the demo's CPR key ring in var/ if it is missing (create_cpr_key
# --if-missing); outside the demo the key is made once, explicitly (README, "The CPR key").
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell scripts/find-python)
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run (CI requires it; locally it is used when reachable).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/stofrum

.PHONY: run test test-sqlite test-postgres test-browser test-sqlite-then-browser prod-check lint install messages bench \
  clean restore-drill

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Stofrum needs Python 3.12 or newer (Django 6)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The demo speaks plain HTTP (STOFRUM_DEMO: no secure cookies, no HSTS, no redirect to HTTPS).
run: export STOFRUM_DEMO = true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_cpr_key --if-missing
	$(PY) manage.py seed_sites
	$(PY) manage.py seed_demo_accounts
	$(PY) manage.py demo_data --persons 400 --days 21 --visits-per-day 300 --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/uvicorn stofrum.asgi:application --host $(HOST) --port $(PORT) --no-access-log \
	  --no-proxy-headers

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# The SQLite and PostgreSQL runs are independent (each its own databases and served apps) and
# each uses one core: they run side by side, each printing its output when it ends. The
# PostgreSQL run is the longer one, so the browser tests follow the SQLite run on its core
# (their servers and databases are their own too). Tests marked engine_free (no database:
# pure functions, property tests, settings, deploy files, the import layers) run in the
# SQLite run only; the PostgreSQL run deselects them (conftest.py).
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-postgres test-sqlite-then-browser

test-sqlite-then-browser:
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-browser

test-sqlite: install
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(VENV)/bin/pytest -m "not browser" -q --durations=25

test-postgres: install
	@if scripts/postgres-ready "$(TEST_POSTGRES_URL)"; then \
	  DATABASE_URL=$(TEST_POSTGRES_URL) $(VENV)/bin/pytest -m "not browser" -q --durations=25; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is required in CI but not reachable"; exit 1; \
	else echo "SKIPPED the PostgreSQL run: $(TEST_POSTGRES_URL) is not reachable"; fi

# Back up a database with demo data and journals, restore it and prove it (README "Backups");
# make test-postgres runs it too (tests/ops/test_restore_drill.py).
restore-drill: install
	scripts/restore-drill --server $(TEST_POSTGRES_URL)

# axe-core (npm) checks every page the browser tests visit for WCAG 2.1 A/AA.
AXE_VERSION := 4.11.0
var/axe/node_modules/axe-core/axe.min.js:
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix var/axe axe-core@$(AXE_VERSION); \
	elif [ -n "$$CI" ]; then echo "npm is required in CI for axe-core: apt-get install npm"; exit 1; \
	else echo "SKIPPED axe-core: npm is missing"; fi

# The browser tests include the production layout's (tests/browser/test_prod_layout.py),
# which makes its own database, owner and app roles on the PostgreSQL of TEST_POSTGRES_URL.
test-browser: install var/axe/node_modules/axe-core/axe.min.js
	@if [ -x /usr/bin/chromium ]; then \
	  TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(VENV)/bin/pytest -m browser -q --durations=15; \
	elif [ -n "$$CI" ]; then echo "chromium is required in CI: apt-get install chromium"; exit 1; \
	else echo "SKIPPED the browser tests: /usr/bin/chromium is missing (apt-get install chromium)"; fi

# The production layout (deploy/, README "Production") on this machine: PostgreSQL, two app
# processes as the app role, nginx with a self-signed certificate, Chromium over HTTPS.
# Nothing it needs may be missing (CI=true makes a missing nginx or PostgreSQL an error).
prod-check: install var/axe/node_modules/axe-core/axe.min.js
	@[ -x /usr/bin/chromium ] || { echo "prod-check needs chromium (apt-get install chromium)"; exit 1; }
	CI=$${CI:-true} TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) \
	  $(VENV)/bin/pytest -m browser -q tests/browser/test_prod_layout.py

# Update the Danish catalogue after changing user-facing text; translate the new entries
# (scripts/fill-po helps), then compile. The compiled .mo is committed.
messages: install
	$(PY) manage.py makemessages -l da --no-location --no-obsolete \
	  --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='*/tests/*' --ignore='bench/*'
	cd stofrum && ../$(PY) ../manage.py compilemessages -l da

# Benchmarks need PostgreSQL on 127.0.0.1:5432; they print numbers and update
# docs/performance.md. They are not tests.
bench: install
	$(PY) bench/checkin.py
	$(PY) bench/alarm.py
	$(PY) bench/door_tabs.py
	$(PY) bench/stats.py
	$(PY) bench/day.py --write-docs

clean:
	rm -rf $(VENV) var
