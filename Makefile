# Two commands do everything on a fresh machine with Python 3.11 and Node/npm:
#   make run    set up, migrate, load demo data, start web + worker + beat
#   make test   set up and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets migrate seed lint check security benchmark clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed static/src/app.scss static/src/build.mjs static/src/init.mjs
	npm run --silent build

install: $(VENV)/.installed
assets: static/build/app.css

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The local development server runs with DEBUG on; everything else runs as in production.
run seed: export DEBUG ?= True

run: install assets seed
	@echo ""
	@echo "Starting web, worker and beat. Open http://$(HOST):$(PORT)/ (Ctrl+C stops all three)."
	@echo ""
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

test: install assets
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# bandit over the application code (the benchmark's seeded random data is not security),
# then pip-audit over the installed packages; pip-audit says so, and passes, when its
# vulnerability data cannot be reached.
security: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r cspr referrals rapidreview deadlines manage.py gunicorn.conf.py
	$(PY) .ci/pip-audit

# Seeds a throwaway database (a temporary SQLite file, or BENCHMARK_DATABASE_URL) with
# 20,000 cases and prints the deadline dashboard's and sweep's times and query counts.
benchmark: install
	$(PY) benchmarks/deadlines_benchmark.py

clean:
	rm -rf $(VENV) node_modules static/build var
