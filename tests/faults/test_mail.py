"""A mail server that hangs or is down never slows or fails a visitor's form; the outbox keeps and retries."""

import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from post_office.models import STATUS, Email, Log

from directory.models import Suggestion
from tests.directory.test_submissions import VALID_SUGGESTION
from tests.faults.sockets import closed_port, hung_server

pytestmark = pytest.mark.django_db


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


def send_queued_mail(tmp_path):
    call_command("send_queued_mail", lockfile=str(tmp_path / "send_queued_mail"))


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
    client, broken_mail_server, tmp_path
):
    client.post("/directory/suggest/", VALID_SUGGESTION)
    send_queued_mail(tmp_path)
    email = Email.objects.get()
    assert email.status == STATUS.requeued
    assert email.number_of_retries == 1 and email.scheduled_time is not None
    assert Log.objects.filter(email=email, status=STATUS.failed).exists()


def test_the_sender_marks_an_email_failed_after_the_last_retry(client, broken_mail_server, settings, tmp_path):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 0}
    client.post("/directory/suggest/", VALID_SUGGESTION)
    send_queued_mail(tmp_path)
    assert Email.objects.get().status == STATUS.failed


def test_the_sender_delivers_through_a_working_mail_server_and_marks_the_email_sent(
    client, working_mail_server, tmp_path
):
    client.post("/directory/suggest/", VALID_SUGGESTION)
    send_queued_mail(tmp_path)
    assert working_mail_server.received.wait(5)
    (message,) = working_mail_server.messages
    assert message.rcpt_tos == ["moderators@example.org"]
    assert b"Jamie Example" in message.content
    assert Email.objects.get().status == STATUS.sent
