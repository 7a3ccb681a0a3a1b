# Two commands do all set-up: `make run` and `make test`. Each creates .venv
# when missing and installs the package with what it needs.
# The interpreter .venv is made from: Debian's /usr/bin/python3 where it is 3.11 or newer
# and can make a venv (package python3-venv), else the first python3 on PATH. Debian
# builds its Python with profile-guided optimisation and link-time optimisation, pyenv's
# default build (the python3 on PATH on these machines) with neither: the suite's own
# processes use about 12% less CPU on Debian's (bench/README, "The interpreter").
# `make clean-venv`, then `make PYTHON=/path/to/python3 test`, chooses another.
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(SYSTEM_PYTHON) || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app marketplace
STAMP := $(VENV)/.installed-stamp

.PHONY: run test worker lint translations clean-venv

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

translations: $(STAMP)
	@if ls marketplace/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(VENV)/bin/pybabel compile -d marketplace/translations >/dev/null; fi

# Links in mail and exports point where this server really answers: BASE_URL, when not
# set, follows PORT (PORT=8000 make run writes links to port 8000, not 5000).
run: $(STAMP) translations
	@port="$${PORT:-5000}"; export BASE_URL="$${BASE_URL:-http://127.0.0.1:$$port}"; \
	echo "Serving on http://127.0.0.1:$$port; links in mail and exports: $$BASE_URL"; \
	$(FLASK) db upgrade && $(FLASK) seed-demo --if-empty && \
	$(FLASK) run --host 127.0.0.1 --port "$$port"

# SQLite and PostgreSQL side by side (tests/run_suites.py); prints the total time.
test: $(STAMP) translations
	$(PY) tests/run_suites.py

# Only with REDIS_URL set: a Celery worker that sends mail and other background jobs.
worker: $(STAMP) translations
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it jobs run in-process and no worker is needed."; exit 2; }
	$(VENV)/bin/celery -A marketplace.worker:celery worker --beat --loglevel=info

# Production serving on one machine (README, "Production"): the migrations, then gunicorn
# (config/gunicorn.conf.py) and, with REDIS_URL, a Celery worker and Celery beat beside it;
# Ctrl-C stops all three. Production settings unless MARKETPLACE_CONFIG says otherwise
# (they need SECRET_KEY). Without REDIS_URL, jobs and due work run in the app itself.
.PHONY: serve
serve: $(STAMP) translations
	@export MARKETPLACE_CONFIG=$${MARKETPLACE_CONFIG:-production}; \
	$(FLASK) db upgrade || exit $$?; \
	pids=""; \
	if [ -n "$$REDIS_URL" ]; then \
		$(VENV)/bin/celery -A marketplace.worker:celery worker --loglevel=info & pids="$$pids $$!"; \
		$(VENV)/bin/celery -A marketplace.worker:celery beat --loglevel=info & pids="$$pids $$!"; \
	else \
		echo "No REDIS_URL: jobs run in-process in the app; no worker or beat is started."; \
	fi; \
	trap 'kill $$pids 2>/dev/null; wait' EXIT INT TERM; \
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py

# The same check CI runs (.ci/run) before the suite; keep it clean.
lint: $(STAMP)
	$(VENV)/bin/ruff check marketplace config tests bench

clean-venv:
	rm -rf $(VENV)
