"""A database that hangs or refuses connections: pages fail fast with the crisis numbers, forms keep answers.

Each test runs the app in a fresh process pointed at a real broken port. The process's own timeout is
the bound: on a hang it expires and the test fails.
"""

import json
import re

import pytest
from django.db import connection

from tests.faults.sockets import closed_port, hung_server
from tests.helpers import PRODUCTION_ENV, assert_crisis_banner, run_django

PRODUCTION = {**PRODUCTION_ENV, "DATABASE_CONNECT_TIMEOUT": "2"}
# Two connection attempts at most per request (the view, then the page), each bounded by the timeout above.
BOUND = 20

SUGGESTION = {
    "relationship": "visitor",
    "kind": "therapist",
    "name": "Robin Typed-By-Hand",
    "description": "Runs a Tuesday evening skills group for teenagers.",
    "city": "Denver",
    "state": "CO",
    "zip_code": "80202",
}


def database_url(port):
    return f"postgres://nobody@127.0.0.1:{port}/broken"


def request(method, path, port, data=None):
    result = run_django(
        "import json, sys\n"
        "from django.test import Client\n"
        f"data = json.loads({json.dumps(data or {})!r})\n"
        f"r = Client(raise_request_exception=False).{method}({path!r}, data)\n"
        "sys.stdout.write(str(r.status_code) + '\\n' + r.content.decode())\n",
        timeout=BOUND,
        DATABASE_URL=database_url(port),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    status, _, body = result.stdout.partition("\n")
    return int(status), body


@pytest.fixture(params=["hung", "closed"])
def broken_database(request):
    if request.param == "closed":
        yield closed_port()
        return
    with hung_server() as port:
        yield port


def test_a_hung_database_gives_the_static_error_page_with_the_crisis_numbers():
    with hung_server() as port:
        status, body = request("get", "/crisis/", port)
    assert status == 500
    assert_crisis_banner(body)
    assert "Something went wrong on our side" in body


def test_healthz_answers_503_when_the_database_hangs():
    with hung_server() as port:
        status, body = request("get", "/healthz", port)
    assert status == 503
    assert body == "database unavailable\n"


def test_a_suggestion_sent_while_the_database_is_down_comes_back_with_every_answer(broken_database):
    status, body = request("post", "/directory/suggest/", broken_database, SUGGESTION)
    assert status == 503
    assert "We could not save this just now. Your answers are still here" in body
    assert "call or text 988" in body
    assert 'value="Robin Typed-By-Hand"' in body
    assert "Runs a Tuesday evening skills group for teenagers." in body
    assert_crisis_banner(body)


def test_a_problem_report_sent_while_the_database_is_down_comes_back_with_the_details(broken_database):
    data = {"reason": "wrong_number", "details": "The number on the listing rings out every time."}
    status, body = request("post", "/directory/some-listing/report/", broken_database, data)
    assert status == 503
    assert "We could not save this just now" in body
    assert "The number on the listing rings out every time." in body
    assert re.search(r'value="wrong_number"\s+checked', body)
    assert_crisis_banner(body)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is a PostgreSQL setting")
def test_postgresql_sessions_stop_a_query_after_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
