"""The submission rate limit holds when many posts from one address arrive at the same moment."""

import threading

import pytest
from django.db import connection
from django.test import Client
from post_office.models import Email

from directory.models import SubmissionSlot, Suggestion
from tests.directory.test_submissions import VALID_SUGGESTION

BURST = 30


def post_in_parallel(count):
    """`count` visitors' browsers, each on its own thread and database connection, posting at once."""
    start, statuses = threading.Barrier(count), []

    def post(number):
        try:
            start.wait()
            response = Client().post("/directory/suggest/", {**VALID_SUGGESTION, "name": f"Burst {number}"})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def in_own_connection(work):
    """Run work on a thread with its own, autocommitting connection, outside the test's transaction."""
    thread = threading.Thread(target=lambda: (work(), connection.close()))
    thread.start()
    thread.join(timeout=60)


@pytest.fixture
def committed_burst_cleanup():
    """The posts commit on their own connections, so the test's rollback cannot remove them."""
    yield
    in_own_connection(
        lambda: (
            Suggestion.objects.filter(name__startswith="Burst ").delete(),
            SubmissionSlot.objects.all().delete(),
            Email.objects.filter(subject__startswith="New listing suggestion: Burst ").delete(),
        )
    )


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the SQLite test database is in memory with a shared cache, where a second writer fails at once "
    "instead of waiting for the lock; the file databases the site runs on queue writers (transaction_mode "
    "IMMEDIATE)",
)
def test_a_burst_of_concurrent_posts_from_one_address_never_saves_more_than_the_limit(
    settings, committed_burst_cleanup
):
    settings.SUBMISSION_RATE_LIMIT = 5
    for _ in range(3):
        in_own_connection(lambda: SubmissionSlot.objects.all().delete())
        statuses = post_in_parallel(BURST)
        assert len(statuses) == BURST
        assert statuses.count(302) == 5
    assert Suggestion.objects.filter(name__startswith="Burst ").count() == 15
