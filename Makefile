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

.PHONY: run test setup messages gettext admin serve-prod lint e2e screenshots bench chromium clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changes.
$(INSTALLED): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

setup: $(INSTALLED) messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_curated_data

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

test: setup chromium
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

admin: setup
	$(MANAGE) createsuperuser

# The production path, locally: DEBUG off, static files collected and served by WhiteNoise, gunicorn.
serve-prod: setup
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-production-trial-key} $(PY) manage.py collectstatic --noinput
	DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-production-trial-key} \
	  $(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

# Load and search benchmarks on a throwaway database (COUNT synthetic providers, default 100,000).
bench: $(INSTALLED)
	$(PY) bench/run.py

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
