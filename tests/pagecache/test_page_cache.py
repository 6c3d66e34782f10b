import gzip

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory

from content.models import Page
from crisis.models import CrisisResource
from directory.models import Location, Provider, Specialty
from pagecache.middleware import page_key
from pagecache.version import content_version
from tests.content.test_admin import change_form_data
from tests.helpers import PRODUCTION_ENV, assert_crisis_banner, run_django

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Referrer-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
]


def cached_page(path, **headers):
    """What the cache holds for a reader asking for this path now, or None."""
    return caches["default"].get(page_key(RequestFactory().get(path, headers=headers)))


def crisis_form_data(resource, **overrides):
    fields = ["name", "slug", "purpose", "audience", "order", "banner_role", "phone", "text_number"]
    fields += ["text_keyword", "chat_url", "tty", "options", "languages", "hours", "source_url", "language"]
    data = {name: getattr(resource, name) for name in fields}
    data["verified_on"] = resource.verified_on.isoformat()
    if resource.active:
        data["active"] = "on"
    return {**data, **overrides}


def test_a_second_visit_by_a_reader_is_served_from_the_cache(client, django_assert_num_queries):
    first = client.get("/learn/")
    with django_assert_num_queries(1):  # the content version, and nothing else
        second = client.get("/learn/")
    assert second.status_code == 200
    assert second.content == first.content
    assert cached_page("/learn/") is not None


def test_each_url_and_query_string_is_cached_on_its_own(client):
    client.get("/search/?q=coping")
    assert cached_page("/search/?q=coping") is not None
    assert cached_page("/search/?q=therapy") is None
    assert "therapy" in client.get("/search/?q=therapy").content.decode()


def test_a_cached_page_carries_the_same_security_headers_as_a_fresh_one(client, settings, django_assert_num_queries):
    settings.SECURE_HSTS_SECONDS = 3600
    fresh = client.get("/therapies/", secure=True)
    with django_assert_num_queries(1):
        cached = client.get("/therapies/", secure=True)
    for header in SECURITY_HEADERS:
        assert fresh.has_header(header), header
        assert cached[header] == fresh[header], header
    assert "unsafe-inline" not in cached["Content-Security-Policy"]
    assert_crisis_banner(cached.content.decode())


def test_a_new_security_policy_is_never_answered_with_a_page_cached_under_the_old_one(client, settings):
    client.get("/therapies/")
    settings.PERMISSIONS_POLICY = "camera=()"
    assert client.get("/therapies/")["Permissions-Policy"] == "camera=()"


def test_a_head_request_is_answered_from_the_cache(client, django_assert_num_queries):
    client.get("/crisis/")
    with django_assert_num_queries(1):
        response = client.head("/crisis/")
    assert response.status_code == 200


def test_a_page_changes_for_readers_as_soon_as_an_editor_saves_it_in_admin(client, admin_client):
    page = Page.objects.get(slug="recovery")
    assert page.title in client.get(page.get_absolute_url()).content.decode()
    new_title = "Recovery from self-harm, one step at a time"
    response = admin_client.post(
        f"/admin/content/page/{page.pk}/change/",
        change_form_data(page, title=new_title, warning_override_reason="Title change only."),
    )
    assert response.status_code == 302
    assert new_title in client.get(page.get_absolute_url()).content.decode()
    assert new_title in client.get("/learn/").content.decode()


def test_a_new_crisis_number_saved_in_admin_shows_in_the_banner_at_once(client, admin_client):
    assert 'href="tel:911"' in client.get("/").content.decode()
    resource = CrisisResource.objects.get(banner_role="emergency", language="en")
    response = admin_client.post(
        f"/admin/crisis/crisisresource/{resource.pk}/change/", crisis_form_data(resource, phone="112")
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'href="tel:112"' in html
    assert 'href="tel:911"' not in html


def test_hiding_a_listing_with_the_admin_action_takes_it_off_the_site_at_once(client, admin_client):
    provider = Provider.objects.published().first()
    assert client.get(provider.get_absolute_url()).status_code == 200
    admin_client.post("/admin/directory/provider/", {"action": "hide", "_selected_action": [provider.pk]})
    assert client.get(provider.get_absolute_url()).status_code == 404


def test_every_change_readers_could_see_moves_the_content_version():
    provider = Provider.objects.published().first()
    seen = [content_version()]

    def changed():
        seen.append(content_version())
        return seen[-1] != seen[-2]

    term = Specialty.objects.create(name="Test term", slug="test-term")
    assert changed()
    provider.specialties.add(term)
    assert changed()
    provider.specialties.remove(term)
    assert changed()
    provider.locations.first().delete()
    assert changed()
    Location.objects.create(provider=provider, street="1 Main St", city="Albany", state="NY", zip_code="12207",
                            latitude=42.65, longitude=-73.75)  # fmt: skip
    assert changed()
    Page.objects.get(slug="recovery").related.clear()
    assert changed()


def test_staff_never_get_a_cached_page_and_never_fill_the_cache(client, admin_client):
    page = Page.objects.get(slug="recovery")
    client.get(page.get_absolute_url())
    # An update that sends no signal: readers keep the cached page, which proves they are served from it.
    Page.objects.filter(pk=page.pk).update(title="Changed behind the cache")
    assert "Changed behind the cache" not in client.get(page.get_absolute_url()).content.decode()
    assert "Changed behind the cache" in admin_client.get(page.get_absolute_url()).content.decode()
    admin_client.get("/therapies/dbt/")
    assert cached_page("/therapies/dbt/") is None


def test_a_request_with_any_cookie_or_credentials_is_never_served_from_the_cache(client):
    page = Page.objects.get(slug="recovery")
    client.get(page.get_absolute_url())
    Page.objects.filter(pk=page.pk).update(title="Changed behind the cache")
    for headers in [{"cookie": "theme=dark"}, {"authorization": "Basic dGVzdDp0ZXN0"}]:
        assert "Changed behind the cache" in client.get(page.get_absolute_url(), headers=headers).content.decode()


def test_pages_with_forms_and_their_thank_you_pages_are_never_cached(client):
    slug = Provider.objects.published().first().slug
    for url in ["/directory/suggest/", "/directory/suggest/thanks/", f"/directory/{slug}/report/",
                f"/directory/{slug}/reported/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert cached_page(url) is None, url


def test_admin_pages_are_never_cached(client):
    client.get("/admin/login/")
    assert cached_page("/admin/login/") is None


def test_responses_that_set_a_cookie_or_are_private_are_never_cached(client, settings):
    settings.ROOT_URLCONF = "tests.pagecache.urls"
    client.get("/learn/")
    assert cached_page("/learn/") is not None
    for url in ["/sets-a-cookie/", "/private/"]:
        assert Client().get(url).status_code == 200
        assert cached_page(url) is None, url


def test_a_cached_page_answers_304_to_a_matching_if_none_match(client, django_assert_num_queries):
    etag = client.get("/learn/")["ETag"]
    with django_assert_num_queries(1):
        response = client.get("/learn/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert client.get("/learn/", headers={"if-none-match": '"something-else"'}).status_code == 200


def test_a_fresh_page_answers_304_to_a_matching_if_none_match(client):
    etag = client.get("/learn/")["ETag"]
    caches["default"].clear()
    assert client.get("/learn/", headers={"if-none-match": etag}).status_code == 304


def test_readers_get_gzip_when_they_ask_and_the_compressed_page_is_cached_apart(client):
    fresh = client.get("/", headers={"accept-encoding": "gzip, deflate"})
    assert fresh["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in fresh["Vary"]
    assert_crisis_banner(gzip.decompress(fresh.content).decode())
    cached = client.get("/", headers={"accept-encoding": "gzip"})
    assert cached["Content-Encoding"] == "gzip"
    assert gzip.decompress(cached.content) == gzip.decompress(fresh.content)
    plain = client.get("/")
    assert not plain.has_header("Content-Encoding")
    assert_crisis_banner(plain.content.decode())


def test_a_gzipped_cached_page_answers_304_to_its_etag(client):
    etag = client.get("/learn/", headers={"accept-encoding": "gzip"})["ETag"]
    assert client.get("/learn/", headers={"accept-encoding": "gzip", "if-none-match": etag}).status_code == 304


def test_admin_and_staff_responses_are_never_gzipped(client, admin_client):
    assert not client.get("/admin/login/", headers={"accept-encoding": "gzip"}).has_header("Content-Encoding")
    for url in ["/admin/", "/admin/content/page/", "/learn/"]:
        response = admin_client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        assert not response.has_header("Content-Encoding"), url


def test_the_page_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/learn/")
    assert cached_page("/learn/") is None


# Through the WSGI application in a process of its own, not the test client: the test's transaction would
# hide every commit, and the listener only serves requests outside a transaction.
LISTENER_SCRIPT = """
import io, select, subprocess, sys, time
import psycopg2
from django.db import connection
from config.wsgi import application
from pagecache import version

queries = []
connection.execute_wrappers.append(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args))
killer = psycopg2.connect(**connection.get_connection_params())
killer.autocommit = True
BUMP = "import django; django.setup(); from pagecache.version import bump_content_version; bump_content_version()"

def queries_for(path):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
               "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http"}
    answer, before = [], len(queries)
    b"".join(application(environ, lambda line, headers: answer.append(line)))
    assert answer[0].startswith("200"), answer
    return len(queries) - before

def bump_elsewhere_then_queries_for(path):
    subprocess.run([sys.executable, "-c", BUMP], check=True)
    # The notification travels on its own: give it up to five seconds, though it takes milliseconds.
    deadline = time.monotonic() + 5
    while (count := queries_for(path)) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    return count

def terminate(pid):
    killer.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])

queries_for("/crisis/")
print("hit", queries_for("/crisis/"))
print("after-bump", bump_elsewhere_then_queries_for("/crisis/") > 0)
print("hit-again", queries_for("/crisis/"))

listener = version._listener._connection
listening = listener.get_backend_pid()
terminate(listening)
select.select([listener], [], [], 5)  # the server's goodbye reaches the socket on its own time too
version.RETRY_LISTENER_AFTER_SECONDS = 0
print("listener-lost", queries_for("/crisis/"))
print("listener-replaced", version._listener._connection.get_backend_pid() != listening)
print("after-second-bump", bump_elsewhere_then_queries_for("/crisis/") > 0)

terminate(connection.connection.get_backend_pid())
print("new-connection", queries_for("/learn/") > 0)
"""


def test_a_cached_page_costs_no_query_and_a_bump_from_another_process_reaches_it_by_notification():
    if connection.vendor != "postgresql":
        pytest.skip("the version listener is PostgreSQL's LISTEN/NOTIFY")
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    result = run_django(LISTENER_SCRIPT, timeout=60, DATABASE_URL=url, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    seen = dict(line.split() for line in result.stdout.splitlines())
    assert seen["hit"] == "0"  # no query at all, not even the content version
    assert seen["after-bump"] == "True"  # another process's bump made the next request render afresh
    assert seen["hit-again"] == "0"
    # A listener the server dropped costs one read of the version row, and is then replaced...
    assert seen["listener-lost"] == "1"
    assert seen["listener-replaced"] == "True"
    assert seen["after-second-bump"] == "True"  # ...and the new one hears the next bump.
    # The page's own connection, dropped by the server, is replaced by Django's health check.
    assert seen["new-connection"] == "True"
