"""The site on a real server (gunicorn, DEBUG off, as in production) on loopback, driven by Debian's Chromium.

The server gets its own database with the curated content and sample directory: a temporary SQLite
file, or on PostgreSQL a database beside the one in DATABASE_URL.
"""

import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from base64 import b32decode
from dataclasses import dataclass
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from tests.helpers import DATA_COMMANDS

# Sync Playwright runs an event loop in the test thread; the tests themselves never touch the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ADMIN_USERNAME, ADMIN_PASSWORD = "e2e-admin", "e2e-only-password-123"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Site:
    url: str
    exit_url: str
    provider_path: str
    admin_otp_secret: str
    env: dict

    def __call__(self, path):
        return self.url + path

    def manage(self, *args):
        """A management command against the server's database; its output."""
        command = [sys.executable, str(ROOT / "manage.py"), *args]
        return subprocess.run(command, cwd=ROOT, env=self.env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def neutral_site(tmp_path_factory):
    """Stands in for QUICK_EXIT_URL's neutral website, on loopback."""
    folder = tmp_path_factory.mktemp("neutral")
    (folder / "index.html").write_text("<!doctype html><title>Weather</title><h1>Weather forecast</h1>")
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(folder))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def e2e_database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'e2e.sqlite3'}"
    import psycopg2

    base, _, name = url.rpartition("/")
    name = name.split("?")[0] + "_e2e"
    connection = psycopg2.connect(base + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def site(neutral_site, tmp_path_factory):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "e2e-only-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "DATABASE_URL": e2e_database_url(tmp_path_factory),
        "QUICK_EXIT_URL": neutral_site,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    admin = ["createsuperuser", "--noinput", "--username", ADMIN_USERNAME, "--email", "e2e@example.org"]
    data = [[command] for command in DATA_COMMANDS]
    for command in (["migrate", "--noinput"], *data, ["collectstatic", "--noinput"], admin):
        subprocess.run(
            [*manage, *command],
            cwd=ROOT,
            env={**env, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
            check=True,
            capture_output=True,
        )
    # DEBUG is off, so admin asks for a one-time code: enrol the account as a new staff member would.
    enrolment = subprocess.run(
        [*manage, "enroll_otp", ADMIN_USERNAME], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    otp_secret = re.search(r"Authenticator secret for \S+: ([A-Z2-7]+)", enrolment).group(1)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # A socket Chromium opened ahead and never used holds a sync worker until the graceful timeout (30 s
    # by default), longer than the wait below allows.
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "3",
         "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the e2e server did not start") from None
            time.sleep(0.3)
    with urllib.request.urlopen(url + "/directory/?sort=name") as response:
        provider_path = re.search(r'href="(/directory/[a-z0-9-]+/)"', response.read().decode()).group(1)
    yield Site(url, neutral_site, provider_path, otp_secret, env)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a busy machine can keep gunicorn's graceful stop waiting
        server.kill()
        server.wait()


PAGE_TYPES = {
    "home": "/",
    "learn": "/learn/",
    "article": "/learn/what-is-self-harm/",
    "levels": "/levels-of-care/",
    "level": "/levels-of-care/intensive-outpatient/",
    "therapies": "/therapies/",
    "therapy": "/therapies/dbt/",
    "guides": "/helping-someone/",
    "guide": "/helping-someone/supporting-a-teenager/",
    "search": "/search/?q=coping",
    "directory": "/directory/",
    "directory-filtered": "/directory/?near=90012&radius=25&therapy=dbt&telehealth=1",
    "directory-errors": "/directory/?near=00000&radius=7",
    "suggest": "/directory/suggest/",
    "crisis": "/crisis/",
    "safety-plan": "/safety-plan/",
    "start": "/start/",
    "start-error": "/start/?danger=no&step=who",
    "start-results": "/start/?danger=no&who=someone&age=teens&need=care",
    "not-found": "/no-such-page/",
    "admin-login": "/admin/login/",
    "es-home": "/es/",
    "es-learn": "/es/learn/",
    "es-article": "/es/learn/que-es-la-autolesion/",
    "es-levels": "/es/levels-of-care/",
    "es-guide": "/es/helping-someone/que-hacer-en-una-emergencia/",
    "es-search": "/es/search/?q=autolesiones",
    "es-directory": "/es/directory/?language=spanish",
    "es-directory-errors": "/es/directory/?near=00000&radius=7",
    "es-suggest": "/es/directory/suggest/",
    "es-crisis": "/es/crisis/",
    "es-not-found": "/es/no-such-page/",
    "es-safety-plan": "/es/safety-plan/",
    "es-start": "/es/start/",
    "es-start-results": "/es/start/?danger=no&who=someone&age=teens&need=care",
}


def page_paths(site):
    """Every page type, with the profile and report pages of a real sample listing."""
    return {
        **PAGE_TYPES,
        "profile": site.provider_path,
        "report": site.provider_path + "report/",
        "es-profile": "/es" + site.provider_path,
        "es-report": "/es" + site.provider_path + "report/",
    }


@pytest.fixture(scope="session")
def staff_session(browser, site):
    """Signs in once, with the code an authenticator app would show: a code works only once."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site("/admin/login/"))
    page.get_by_label("Username").fill(ADMIN_USERNAME)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_label("OTP Token").fill(f"{TOTP(b32decode(site.admin_otp_secret)).token():06d}")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(site("/admin/"))
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def staff_page(browser, staff_session):
    context = browser.new_context(storage_state=staff_session)
    yield context.new_page()
    context.close()
