"""A mail server that hangs or is down never slows or fails a visitor's form; the outbox keeps and retries."""

import threading

import pytest
from aiosmtpd.controller import Controller
from post_office.models import STATUS, Email

from directory.models import Suggestion
from tests.directory.test_submissions import VALID_SUGGESTION
from tests.faults.sockets import closed_port, hung_server
from tests.helpers import run_django, scratch_database


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        self.received.set()
        return "250 Message accepted"


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 2
    settings.MODERATOR_EMAILS = ["moderators@example.org"]
    return settings


@pytest.fixture(params=["hung", "closed"])
def broken_mail_server(request, smtp_settings):
    if request.param == "closed":
        smtp_settings.EMAIL_PORT = closed_port()
        yield
        return
    with hung_server() as port:
        smtp_settings.EMAIL_PORT = port
        yield


@pytest.fixture
def working_mail_server(smtp_settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=closed_port())
    controller.start()
    smtp_settings.EMAIL_PORT = controller.port
    yield inbox
    controller.stop()


@pytest.fixture(scope="module")
def outbox_database(tmp_path_factory):
    """The sender runs as cron runs it: its own process, on a database of its own.

    send_queued_mail closes its database connection between batches, which a test's transaction
    cannot survive on PostgreSQL.
    """
    with scratch_database(tmp_path_factory.mktemp("outbox"), "outbox") as url:
        migrate = run_django(
            "from django.core.management import call_command\ncall_command('migrate')\n", 600, DATABASE_URL=url
        )
        assert migrate.returncode == 0, migrate.stderr
        yield url


def queue_and_send(database_url, port, tmp_path, max_retries=5):
    """Queue one moderator email, run the sender once, and return the email's status and retries."""
    result = run_django(
        "from django.core.management import call_command\n"
        "from post_office.models import STATUS, Email, Log\n"
        "from directory.services import queue_moderator_email\n"
        "Email.objects.all().delete()\n"
        "queue_moderator_email('New listing suggestion: Jamie Example', '/admin/directory/suggestion/1/change/')\n"
        f"call_command('send_queued_mail', lockfile={str(tmp_path / 'sender')!r})\n"
        "email = Email.objects.get()\n"
        "print(STATUS._fields[email.status], email.number_of_retries or 0, email.scheduled_time is not None,"
        " Log.objects.filter(email=email, status=STATUS.failed).exists())\n",
        60,
        DATABASE_URL=database_url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="2",
        EMAIL_MAX_RETRIES=str(max_retries),
        MODERATOR_EMAILS="moderators@example.org",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.fixture(params=["hung", "closed"])
def broken_mail_port(request):
    if request.param == "closed":
        yield closed_port()
        return
    with hung_server() as port:
        yield port


@pytest.mark.django_db
def test_a_suggestion_is_thanked_and_saved_with_its_email_queued_while_the_mail_server_is_broken(
    client, broken_mail_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/directory/suggest/", VALID_SUGGESTION)
    assert response.status_code == 302 and response["Location"] == "/directory/suggest/thanks/"
    assert Suggestion.objects.filter(name="Jamie Example").exists()
    email = Email.objects.get()
    assert email.status == STATUS.queued and "Jamie Example" in email.subject


def test_the_sender_gives_up_on_a_broken_mail_server_and_keeps_the_email_for_a_retry(
    outbox_database, broken_mail_port, tmp_path
):
    status, retries, rescheduled, failure_logged = queue_and_send(outbox_database, broken_mail_port, tmp_path)
    assert status == "requeued" and retries == "1"
    assert rescheduled == "True" and failure_logged == "True"


def test_the_sender_marks_an_email_failed_after_the_last_retry(outbox_database, broken_mail_port, tmp_path):
    status, *_ = queue_and_send(outbox_database, broken_mail_port, tmp_path, max_retries=0)
    assert status == "failed"


def test_the_sender_delivers_through_a_working_mail_server_and_marks_the_email_sent(
    outbox_database, working_mail_server, smtp_settings, tmp_path
):
    status, *_ = queue_and_send(outbox_database, smtp_settings.EMAIL_PORT, tmp_path)
    assert working_mail_server.received.wait(5)
    (message,) = working_mail_server.messages
    assert message.rcpt_tos == ["moderators@example.org"]
    assert b"Jamie Example" in message.content
    assert status == "sent"
