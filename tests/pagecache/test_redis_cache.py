"""With REDIS_URL set: pages and the content version live in Redis, shared by every worker."""

import pytest
from django.core.cache import caches

from content.models import Page
from pagecache.models import ContentVersion
from pagecache.version import CACHE_KEY
from tests.content.test_admin import change_form_data

pytestmark = pytest.mark.django_db

# Database 13: apart from the other tests' Redis databases, emptied before and after each test here.
REDIS = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/13",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
}


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": REDIS}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_with_redis_a_second_visit_asks_nothing_of_the_database(redis_cache, client, django_assert_num_queries):
    first = client.get("/therapies/")
    with django_assert_num_queries(0):
        second = client.get("/therapies/")
    assert second.content == first.content
    assert redis_cache.get(CACHE_KEY) is not None


def test_with_redis_an_edit_in_admin_reaches_readers_when_it_commits(
    redis_cache, client, admin_client, django_capture_on_commit_callbacks
):
    page = Page.objects.get(slug="recovery")
    client.get(page.get_absolute_url())
    rows_before = list(ContentVersion.objects.values_list("number", flat=True))
    version_before = redis_cache.get(CACHE_KEY)
    new_title = "Recovery from self-harm, one step at a time"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/content/page/{page.pk}/change/",
            change_form_data(page, title=new_title, warning_override_reason="Title change only."),
        )
    assert redis_cache.get(CACHE_KEY) != version_before
    assert list(ContentVersion.objects.values_list("number", flat=True)) == rows_before
    assert new_title in client.get(page.get_absolute_url()).content.decode()


def test_with_redis_emptied_a_new_version_never_matches_old_pages(redis_cache, client):
    client.get("/learn/")
    old_version = redis_cache.get(CACHE_KEY)
    redis_cache.delete(CACHE_KEY)
    client.get("/learn/")
    assert redis_cache.get(CACHE_KEY) not in {None, old_version}
