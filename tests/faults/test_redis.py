"""A Redis that hangs or is gone costs the cache, never the page or its crisis banner. Real sockets, no mocks."""

import socket
import threading

import pytest

from content.models import Page
from pagecache import version
from tests.helpers import assert_crisis_banner, run_django

pytestmark = pytest.mark.django_db

# How long the silent server holds a connection before giving up on it: far longer than any Redis timeout
# here, so a client still waiting then is one whose timeout did not work (and the test cannot hang).
HOLD_SECONDS = 15


class SilentServer:
    """Accepts TCP connections, reads what is sent, and never answers."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        self.closed_by_client = 0
        self.stopping = threading.Event()
        self.threads = []
        self.lock = threading.Lock()
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            with self.lock:
                self.accepted += 1
            thread = threading.Thread(target=self._hold, args=(connection,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _hold(self, connection):
        connection.settimeout(HOLD_SECONDS)
        with connection:
            try:
                while connection.recv(4096):
                    pass
            except (TimeoutError, OSError):
                return
            with self.lock:
                self.closed_by_client += 1

    def stop(self):
        self.stopping.set()
        self.acceptor.join()
        for thread in self.threads:
            thread.join()
        self.listener.close()


def redis_at(port):
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "IGNORE_EXCEPTIONS": True},
        }
    }


@pytest.fixture
def silent_redis(settings):
    server = SilentServer()
    settings.CACHES = redis_at(server.port)
    yield server
    server.stop()


@pytest.fixture
def closed_port_redis(settings):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    settings.CACHES = redis_at(port)
    return port


def assert_pages_render_fresh_with_the_banner(client):
    page = Page.objects.get(slug="recovery")
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert page.title in response.content.decode()
    assert_crisis_banner(response.content.decode())
    # Not served from a cache: a change that tells no cache shows on the next visit.
    Page.objects.filter(pk=page.pk).update(title="Changed while Redis is down")
    assert "Changed while Redis is down" in client.get(page.get_absolute_url()).content.decode()
    home = client.get("/", headers={"accept-encoding": "gzip"})
    assert home.status_code == 200


def test_a_redis_that_accepts_but_never_answers_does_not_stop_a_page(silent_redis, client):
    assert_pages_render_fresh_with_the_banner(client)
    silent_redis.stop()
    assert silent_redis.accepted >= 1, "the page never asked Redis"
    assert silent_redis.closed_by_client == silent_redis.accepted, "a Redis call waited without a timeout"


def test_after_one_failure_each_worker_leaves_redis_alone_for_a_while(silent_redis, client, monkeypatch):
    monkeypatch.setattr(version, "RETRY_CACHE_AFTER_SECONDS", 600)
    assert client.get("/learn/").status_code == 200
    asked = silent_redis.accepted
    assert asked >= 1
    response = client.get("/therapies/")
    assert response.status_code == 200
    assert_crisis_banner(response.content.decode())
    assert silent_redis.accepted == asked


def test_a_redis_on_a_closed_port_does_not_stop_a_page(closed_port_redis, client):
    assert_pages_render_fresh_with_the_banner(client)


def test_with_redis_hanging_an_admin_save_still_works(silent_redis, admin_client, django_capture_on_commit_callbacks):
    from tests.content.test_admin import change_form_data

    page = Page.objects.get(slug="recovery")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/content/page/{page.pk}/change/",
            change_form_data(page, title="Saved while Redis hangs", warning_override_reason="Title change only."),
        )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "Saved while Redis hangs"


def test_a_redis_url_gets_short_timeouts_that_the_environment_can_change_and_ignores_errors():
    result = run_django(
        "from django.conf import settings\nfrom django.core.cache import caches\n"
        "options = settings.CACHES['default']['OPTIONS']\n"
        "print(options['SOCKET_CONNECT_TIMEOUT'], options['SOCKET_TIMEOUT'], options['IGNORE_EXCEPTIONS'])\n"
        "print(caches['default'].get('anything', 'no answer'))\n",
        REDIS_URL="redis://127.0.0.1:9/0",
        REDIS_TIMEOUT="0.5",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.25", "0.5", "True", "no", "answer"]
