# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

export DJANGO_SETTINGS_MODULE := config.settings
# Local commands run with DEBUG on unless the caller says otherwise.
MANAGE = DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py
# Each app loads its own data, in dependency order (directory providers name content's therapy pages). The
# tests load all but the last (the 9,037 real facilities of SAMHSA's directory): their own slice of it instead.
DATA_COMMANDS := load_crisis_resources load_curated_data load_sample_directory load_public_directory

.PHONY: run test setup messages gettext admin serve-prod lint e2e screenshots bench bench-scale load outage bench-import bench-verify wrk chromium postgresql-client backup restore send-mail clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changes.
$(INSTALLED): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

setup: $(INSTALLED) messages
	$(MANAGE) migrate --noinput
	for command in $(DATA_COMMANDS); do $(MANAGE) $$command || exit 1; done

# The Spanish interface: locale/es/LC_MESSAGES/django.po compiled to the .mo file Django reads (not committed).
messages: $(INSTALLED) gettext
	$(MANAGE) compilemessages --ignore=.venv --ignore=staticfiles

# GNU gettext's msgfmt, which compilemessages runs.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }

run: setup
	@echo ""
	@echo "  Site:  http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/  (create an account first with: make admin)"
	@echo ""
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup chromium postgresql-client
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest

# The browser tests alone (tests/e2e, marked e2e).
e2e: setup chromium
	$(PY) -m pytest -m "e2e and not screenshots"

# Desktop and phone screenshots of the main pages, into docs/screenshots/.
screenshots: setup chromium
	$(PY) -m pytest -m screenshots -p no:randomly

# Debian's Chromium for the browser tests (Playwright's own browser download cannot run here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# pg_dump and pg_restore for backups of a PostgreSQL DATABASE_URL.
postgresql-client:
	@command -v pg_dump >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }

# Back up the database in DATABASE_URL into BACKUP_DIR (default backups/); restore one with FILE=.
backup: $(INSTALLED) postgresql-client
	$(MANAGE) backup_database

restore: $(INSTALLED) postgresql-client
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/NAME"; exit 2; }
	$(MANAGE) restore_database "$(FILE)"

# Send queued moderator email once (production runs this from cron or a systemd timer).
send-mail: $(INSTALLED)
	$(MANAGE) send_queued_mail

admin: setup
	$(MANAGE) createsuperuser

# The production path, locally: DEBUG off, static files collected and served by WhiteNoise, gunicorn.
serve-prod: setup
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-production-trial-key} $(PY) manage.py collectstatic --noinput
	DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-production-trial-key} \
	  $(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

# Benchmarks on a fresh PostgreSQL database that the run creates and drops (bench/run.py; results in
# bench/RESULTS.md). COUNT synthetic providers; `make load` is the 64-connection, 60-second stress run.
COUNT ?= 100000
MODE ?= bench
BENCH = COUNT=$(COUNT) DATA_COMMANDS="$(DATA_COMMANDS)" $(PY) bench/run.py
bench: $(INSTALLED) wrk
	MODE=$(MODE) $(BENCH)

load: $(INSTALLED) wrk
	MODE=load $(BENCH)

# The single-client searches at each size in SCALE, one table (10,000, 100,000 and 1,000,000 by default).
SCALE ?= 10000 100000 1000000
bench-scale: $(INSTALLED) wrk
	MODE=scale SCALE="$(SCALE)" $(BENCH)

# What readers get while the database hangs for OUTAGE_SECONDS (60): gunicorn against a proxy that hangs
# (bench/outage.py); results in bench/OUTAGE.md.
outage: $(INSTALLED)
	DATA_COMMANDS="$(DATA_COMMANDS)" $(PY) bench/outage.py

# The SAMHSA import timed three ways (first, again, a later edition) on PostgreSQL and SQLite: bench/IMPORTS.md.
bench-import: $(INSTALLED)
	DATA_COMMANDS="$(DATA_COMMANDS)" $(PY) bench/imports.py

bench-verify: $(INSTALLED)
	DATA_COMMANDS="$(DATA_COMMANDS)" $(PY) bench/verifications.py

wrk:
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
