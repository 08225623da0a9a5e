# PRISM — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-fast test-postgres install check-java migrate serve lint bench bench-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install whenever a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

check-java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "PRISM needs a Java runtime for konlpy (Korean morphological analysis)."; \
		echo "Install one, e.g. on Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y default-jre-headless"; \
		echo "or on macOS: brew install openjdk"; \
		exit 1; \
	fi

migrate: install
	$(PY) manage.py migrate --noinput

# Set everything up, load the sample corpus, then run the worker and the web server
# (prism_serve). Ctrl-C stops both.
demo: install check-java migrate
	$(PY) manage.py prism_demo
	@echo "PRISM: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/) — Ctrl-C stops."
	@$(PY) manage.py prism_serve $(HOST):$(PORT)

serve: install
	@$(PY) manage.py prism_serve $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install check-java
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -r prism -ll
	$(VENV)/bin/pytest

# The edit loop: everything but the real-component tests (browser, worker processes,
# servers, the real-dumps generation), which `make test` and CI still run.
test-fast: install check-java
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -m "not slow" -q

# The same suite on a real PostgreSQL server and the django-q2 Redis broker, both
# started on loopback by .ci/start-services (Debian packages postgresql, redis-server).
test-postgres: install check-java
	eval "$$(.ci/start-services)" && $(VENV)/bin/pytest -p no:cacheprovider

# --no-deps: lexrankr declares the deprecated `sklearn` package, which refuses to
# build; requirements-bench.txt pins what the peers really import (bench/README.md).
bench-deps: install
	$(PIP) install --quiet --no-deps -r requirements-bench.txt

BENCHMARKS := briefing_quality summarize_quality summarize_speed abstractive_cost generation_scale site_load load \
	grounding composer_cost
bench: bench-deps check-java
	@for name in $(BENCHMARKS); do \
		[ -f bench/$$name.py ] || continue; \
		echo "== bench/$$name.py"; $(PY) bench/$$name.py || exit 1; \
	done

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache build dist *.egg-info
