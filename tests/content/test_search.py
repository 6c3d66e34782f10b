import pytest
from django.db import connection

from content.models import Page

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL full-text search")


def result_titles(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [result.page.title for result in response.context["results"]]


def test_a_title_match_ranks_above_a_body_mention(client):
    titles = result_titles(client, "medication")
    assert titles[0] == Page.objects.get(slug="medication").title
    assert len(titles) > 1


def test_results_show_the_matching_passage_highlighted(client):
    html = client.get("/search/", {"q": "grounding"}).content.decode()
    assert "<mark>" in html.lower()


def test_search_finds_only_published_pages(client):
    page = Page.objects.get(slug="recovery")
    Page.objects.filter(pk=page.pk).update(status=Page.Status.DRAFT)
    assert page.title not in result_titles(client, "recovery")


def test_an_empty_search_gets_help_not_an_error(client):
    html = client.get("/search/", {"q": "   "}).content.decode()
    assert "Type a word or a question" in html


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "\x00\x01\x1f drop",
        "'; DROP TABLE content_page; --",
        "<script>alert(1)</script>",
        '" OR 1=1 --',
        "!!! ??? ***",
        "&&&|||",
        "self:harm & (dbt | cbt)",
    ],
)
def test_junk_queries_get_a_page_never_an_error(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html


def test_a_very_long_query_is_explained(client):
    assert "Please shorten your search" in client.get("/search/", {"q": "x" * 10_000}).content.decode()


def test_sql_in_a_query_does_nothing(client):
    client.get("/search/", {"q": "'; DELETE FROM content_page; --"})
    assert Page.objects.count() >= 25


@postgres_only
def test_postgres_uses_the_stored_weighted_search_vector():
    assert Page.objects.filter(search_vector__isnull=True).count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'content_page_search_vector_gin'")
        assert "gin" in cursor.fetchone()[0].lower()


@postgres_only
def test_postgres_finds_dbt_from_a_misspelling(client):
    assert Page.objects.get(slug="dbt").title in result_titles(client, "dialectal")


@postgres_only
def test_postgres_stems_words(client):
    assert Page.objects.get(slug="coping-with-urges").title in result_titles(client, "urge")


def test_sqlite_fallback_needs_every_word(client):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite fallback")
    titles = result_titles(client, "dialectical behavior")
    assert Page.objects.get(slug="dbt").title in titles
    assert result_titles(client, "dialectical zzzzqqq") == []


@postgres_only
def test_postgres_builds_a_spanish_pages_vector_with_the_spanish_configuration():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.search_vector @@ to_tsquery('spanish', 'ganas'), "
            "p.search_vector = setweight(to_tsvector('spanish', p.title), 'A') "
            "|| setweight(to_tsvector('spanish', p.summary), 'B') "
            "|| setweight(to_tsvector('spanish', p.body_text), 'C') "
            "FROM content_page p WHERE p.language = 'es' AND p.slug = 'manejar-las-ganas-de-hacerte-dano'"
        )
        assert cursor.fetchone() == (True, True)


@postgres_only
def test_postgres_searches_spanish_pages_in_spanish(client):
    response = client.get("/es/search/", {"q": "autolesiones"})
    slugs = [result.page.slug for result in response.context["results"]]
    assert "que-es-la-autolesion" in slugs
    assert all(result.page.language == "es" for result in response.context["results"])
