import contextlib
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What `make setup` loads (DATA_COMMANDS in the Makefile), in the same order, but SAMHSA's 9,037 facilities
# (load_public_directory): tests that need them read a slice of the workbook (tests/opendata/fixtures).
DATA_COMMANDS = ("load_crisis_resources", "load_curated_data", "load_sample_directory")
# Production settings for a fresh process (run_django) that serves requests for "testserver" over plain HTTP.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "test-only",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_STATIC_MANIFEST": "false",
}


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def parse_links(html):
    collector = LinkCollector()
    collector.feed(html)
    return collector


def assert_crisis_banner(html):
    main_at = html.find("<main")
    assert main_at != -1, "page has no <main>"
    before_main = html[:main_at]
    # In Spanish the text link opens with the word AYUDA typed (sms:988?&body=AYUDA).
    for href in ('href="tel:988"', 'href="sms:988', 'href="tel:911"', "data-quick-exit"):
        assert href in before_main, f"{href} missing before <main>"


def run_django(code, timeout=60, **env):
    """Run Python in a fresh process with the project's settings and the given environment.

    The timeout bounds the whole run: a process still waiting then fails the test with TimeoutExpired.
    """
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout
    )


@contextlib.contextmanager
def scratch_database(tmp_path, suffix):
    """A new, empty database of the tests' engine, as a DATABASE_URL; dropped afterwards."""
    from django.db import connection

    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / suffix}.sqlite3"
        return
    import psycopg2

    db = connection.settings_dict
    name = f"{db['NAME']}_{suffix}"
    admin = psycopg2.connect(
        dbname="postgres", host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
