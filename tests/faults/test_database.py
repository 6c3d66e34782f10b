"""A database that hangs or refuses connections, met as a reader meets it in production.

Each scenario runs the WSGI application in a fresh process with production settings (DEBUG off, the page
cache on, in local memory or in Redis; on PostgreSQL the content-version listener too), in front of a
proxy that can make the database hang. Every answer is timed in that process: the first request of an
outage may wait out one connect timeout, and no other request may wait for the database at all.
"""

import json
import re

import pytest
from django.db import connection

from tests.faults.sockets import closed_port
from tests.helpers import PRODUCTION_ENV, assert_crisis_banner, run_django

CONNECT_TIMEOUT = 3
RETRY_SECONDS = 2
PRODUCTION = {
    **PRODUCTION_ENV,
    "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
    "DATABASE_RETRY_SECONDS": str(RETRY_SECONDS),
}
# Database 12 of the local Redis: apart from the other tests' databases, emptied by each scenario.
REDIS_URL = "redis://127.0.0.1:6379/12"
# What the issue asks of every answer once the breaker is open.
PROMPT = 1.0

SUGGESTION = {
    "relationship": "visitor",
    "kind": "therapist",
    "name": "Robin Typed-By-Hand",
    "description": "Runs a Tuesday evening skills group for teenagers.",
    "city": "Denver",
    "state": "CO",
    "zip_code": "80202",
}
REPORT = {"reason": "wrong_number", "details": "The number on the listing rings out every time."}

# Requests go through the WSGI application as a server sends them, closing each response so Django's
# request_finished handlers run (they decide when a connection is checked and replaced).
SCRIPT = """
import io, json, os, subprocess, sys, time
from urllib.parse import urlencode
from django.core.cache import cache
from django.db import connection
from config.wsgi import application
from tests.faults.sockets import DatabaseProxy

scenario = json.loads(os.environ["SCENARIO"])
if scenario["database"] == "refused":
    proxy = None  # nothing listens on the port
else:
    proxy = DatabaseProxy(scenario["target"] and tuple(scenario["target"]), port=scenario["port"])
    if scenario["database"] == "hung":
        proxy.hang()
cache.clear()
queries = []
connection.execute_wrappers.append(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args))
answers = []

def visit(step, path, form=None):
    body = urlencode(form or {}).encode()
    environ = {
        "REQUEST_METHOD": "POST" if form else "GET", "PATH_INFO": path, "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    started, asked, status = time.monotonic(), len(queries), []
    result = application(environ, lambda line, headers: status.append((line, dict(headers))))
    content = b"".join(result).decode()
    result.close()
    answer = {
        "step": step, "path": path, "status": int(status[0][0][:3]), "headers": status[0][1], "body": content,
        "seconds": time.monotonic() - started, "queries": len(queries) - asked, "held": proxy and proxy.held,
    }
    answers.append(answer)
    return answer

PAGES = ["/", "/learn/", "/crisis/", "/es/crisis/"]
if scenario["database"] == "proxied":
    for path in PAGES * 2:
        visit("before", path)
    proxy.hang()
outage_ends = time.monotonic() + scenario["outage_seconds"]
while time.monotonic() < outage_ends:
    for path in [*PAGES, "/levels-of-care/", "/healthz"]:
        visit("outage", path)
    visit("outage", "/directory/suggest/", scenario["suggestion"])
    visit("outage", "/directory/some-listing/report/", scenario["report"])
    time.sleep(0.2)
if scenario["database"] == "proxied":
    proxy.forward()
    back_at = time.monotonic()
    while time.monotonic() < back_at + 15:
        answer = visit("returning", "/learn/")
        if "no-store" not in answer["headers"].get("Cache-Control", ""):
            break
        time.sleep(0.05)
    answer["since_return"] = time.monotonic() - back_at
    bump = "import django; django.setup(); from pagecache.version import bump_content_version; bump_content_version()"
    subprocess.run([sys.executable, "-c", bump], check=True)
    deadline = time.monotonic() + 5
    while visit("after-edit", "/learn/")["queries"] <= 1 and time.monotonic() < deadline:
        time.sleep(0.05)
print(json.dumps(answers))
"""


def run_outage(database, outage_seconds, redis=False):
    """Runs SCRIPT against a database that is "hung" or "refused" throughout, or "proxied": the tests'
    PostgreSQL database, which hangs after a first round of visits and comes back after the outage."""
    scenario = {"database": database, "port": closed_port(), "target": None, "outage_seconds": outage_seconds}
    scenario.update(suggestion=SUGGESTION, report=REPORT)
    database_url = f"postgres://nobody@127.0.0.1:{scenario['port']}/unreachable"
    if database == "proxied":
        db = connection.settings_dict
        scenario["target"] = [db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)]
        database_url = f"postgres://{db['USER']}@127.0.0.1:{scenario['port']}/{db['NAME']}"
    env = {**PRODUCTION, "DATABASE_URL": database_url, "SCENARIO": json.dumps(scenario)}
    if redis:
        env["REDIS_URL"] = REDIS_URL
    result = run_django(SCRIPT, timeout=outage_seconds + 60, **env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def by_step(answers, step):
    return [answer for answer in answers if answer["step"] == step]


def assert_prompt_outage(outage):
    """At most one answer waited for the database, no longer than one connect timeout; all others within PROMPT."""
    waited = [answer for answer in outage if answer["seconds"] >= PROMPT]
    assert len(waited) <= 1, [(answer["path"], round(answer["seconds"], 2)) for answer in waited]
    for answer in waited:
        assert answer["seconds"] <= CONNECT_TIMEOUT + 1
        assert answer["held"] in {1, None}, "the wait was the one connection the hung database held"


def assert_forms_keep_every_answer(outage):
    for answer in outage:
        if answer["path"] == "/directory/suggest/":
            assert answer["status"] == 503
            assert "We could not save this just now. Your answers are still here" in answer["body"]
            assert "call or text 988" in answer["body"]
            assert 'value="Robin Typed-By-Hand"' in answer["body"]
            assert "Runs a Tuesday evening skills group for teenagers." in answer["body"]
            assert_crisis_banner(answer["body"])
        elif answer["path"].endswith("/report/"):
            assert answer["status"] == 503
            assert "The number on the listing rings out every time." in answer["body"]
            assert re.search(r'value="wrong_number"\s+checked', answer["body"])


def assert_static_crisis_page(answer):
    assert answer["status"] == 503
    assert answer["headers"]["Retry-After"] == str(RETRY_SECONDS)
    assert "Something went wrong on our side" in answer["body"]
    assert_crisis_banner(answer["body"])


@pytest.mark.parametrize("redis", [False, True], ids=["local-memory", "redis"])
def test_a_database_that_hangs_from_the_start_costs_one_wait_then_every_page_answers_at_once(redis):
    outage_seconds = 2 * RETRY_SECONDS + 1
    outage = run_outage("hung", outage_seconds, redis=redis)
    assert_prompt_outage(outage)
    assert outage[0]["seconds"] >= CONNECT_TIMEOUT - 0.5, "the first request did try the database, once"
    for answer in outage:
        if answer["path"] in {"/", "/learn/", "/levels-of-care/"}:
            assert_static_crisis_page(answer)
        elif answer["path"] in {"/crisis/", "/es/crisis/"}:
            # The crisis page never needs the database: its built-in copy, every line on it.
            assert answer["status"] == 200
            assert_crisis_banner(answer["body"])
            assert "741741" in answer["body"]
        elif answer["path"] == "/healthz":
            assert (answer["status"], answer["body"]) == (503, "database unavailable\n")
    spanish_crisis_page = next(answer for answer in outage if answer["path"] == "/es/crisis/")
    assert "Línea 988 de Prevención del Suicidio y Crisis" in spanish_crisis_page["body"]
    assert_forms_keep_every_answer(outage)
    # Beside the requests, one background attempt per breaker window at most.
    assert outage[-1]["held"] <= 1 + outage_seconds / RETRY_SECONDS


def test_a_database_that_refuses_connections_gives_the_static_page_and_keeps_form_answers():
    outage = run_outage("refused", outage_seconds=1)
    assert_prompt_outage(outage)
    assert max(answer["seconds"] for answer in outage) < PROMPT
    assert_static_crisis_page(next(answer for answer in outage if answer["path"] == "/learn/"))
    assert next(answer for answer in outage if answer["path"] == "/crisis/")["status"] == 200
    assert_forms_keep_every_answer(outage)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the proxy fronts the tests' PostgreSQL database")
@pytest.mark.parametrize("redis", [False, True], ids=["local-memory-and-listener", "redis"])
@pytest.mark.django_db
def test_when_the_database_hangs_readers_get_the_last_good_copy_and_fresh_pages_once_it_is_back(redis):
    answers = run_outage("proxied", outage_seconds=5, redis=redis)
    before = {answer["path"]: answer for answer in by_step(answers, "before")}
    assert {answer["status"] for answer in before.values()} == {200}
    outage = by_step(answers, "outage")
    assert_prompt_outage(outage)
    for answer in outage:
        if answer["path"] in before:
            # Cached before the outage: the same page, marked so that nothing downstream keeps it.
            assert answer["status"] == 200
            assert answer["body"] == before[answer["path"]]["body"]
            assert answer["headers"].get("Cache-Control") == "no-store" or redis
        elif answer["path"] == "/levels-of-care/":
            assert_static_crisis_page(answer)
        elif answer["path"] == "/healthz":
            assert answer["status"] == 503
    assert_forms_keep_every_answer(outage)
    returning = by_step(answers, "returning")
    assert returning[-1]["status"] == 200
    assert "no-store" not in returning[-1]["headers"].get("Cache-Control", "")
    assert returning[-1]["since_return"] <= RETRY_SECONDS + 1.5, "fresh again within the breaker's window"
    # An edit made after the database came back reaches readers at once.
    assert by_step(answers, "after-edit")[-1]["queries"] > 1


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is a PostgreSQL setting")
def test_postgresql_sessions_stop_a_query_after_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
