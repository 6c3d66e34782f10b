"""The database does the searching: same answers as the straightforward Python reference, bounded work."""

import io
import math

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from directory.geo import great_circle_miles, locate
from directory.models import Provider, ProviderFacet, Specialty, stale_cutoff
from directory.search import engine as search_module
from pagecache.version import bump_content_version

pytestmark = pytest.mark.django_db


def all_result_names(client, **params):
    """Every result, page by page, as a visitor walking the pages sees them."""
    names, page = [], 1
    while True:
        response = client.get("/directory/", {**params, "page": page})
        assert response.status_code == 200
        names += [provider.name for provider in response.context["providers"]]
        if not response.context["outcome"].page.has_next():
            return names
        page += 1


def reference_order(near=None, radius=25, sort=None, telehealth=False, keep=lambda provider: True):
    """The first version's algorithm: every published provider in Python, distances by haversine, then sorted."""
    place = locate(near) if near else None
    cutoff = stale_cutoff()
    rows = []
    for provider in Provider.objects.published().prefetch_related("locations"):
        if not keep(provider):
            continue
        distances = [
            great_circle_miles(place.latitude, place.longitude, loc.latitude, loc.longitude)
            for loc in provider.locations.all()
        ] if place else []  # fmt: skip
        reachable = [miles for miles in distances if miles <= radius]
        if place:
            licensed = telehealth and provider.telehealth and place.state in provider.licensed_states
            if not reachable and not licensed:
                continue
            if telehealth and not provider.telehealth:
                continue
        elif telehealth and not provider.telehealth:
            continue
        stale = provider.last_verified is None or provider.last_verified < cutoff
        rows.append((provider, stale, min(reachable) if reachable else math.inf))
    sort = sort or ("distance" if place else "name")
    if sort == "distance":
        rows.sort(key=lambda row: (row[1], row[2], row[0].name))
    elif sort == "recent":
        rows.sort(key=lambda row: row[0].name)
        rows.sort(key=lambda row: row[0].last_verified.toordinal() if row[0].last_verified else 0, reverse=True)
    else:
        rows.sort(key=lambda row: (row[1], row[0].name))
    return [row[0].name for row in rows]


@pytest.mark.parametrize(
    "params",
    [
        {"near": "10001", "radius": "100"},
        {"near": "90012", "radius": "100", "sort": "distance"},
        {"near": "90012", "radius": "100", "sort": "name"},
        {"near": "Chicago, IL", "radius": "50", "sort": "recent"},
        {"near": "60601", "radius": "25", "telehealth": "1"},
        {"near": "97201", "radius": "100", "telehealth": "1", "sort": "distance"},
        {"sort": "name"},
        {"sort": "recent"},
        {"telehealth": "1"},
    ],
)
def test_results_match_the_first_versions_order_and_content(client, params):
    expected = reference_order(
        near=params.get("near"),
        radius=int(params.get("radius", 25)),
        sort=params.get("sort"),
        telehealth=bool(params.get("telehealth")),
    )
    assert expected, f"the sample data should have results for {params}"
    assert all_result_names(client, **params) == expected


def test_a_filtered_search_at_a_place_matches_the_reference(client):
    def keep(provider):
        return provider.serves_teens and provider.therapies.filter(slug="dbt").exists()

    expected = reference_order(near="10001", radius=100, telehealth=True, keep=keep)
    assert all_result_names(client, near="10001", radius="100", telehealth="1", therapy="dbt", age="teens") == expected


def test_past_the_cap_the_count_says_more_than_and_paging_stops_there(client, monkeypatch):
    monkeypatch.setattr(search_module, "RESULT_CAP", 5)
    monkeypatch.setattr(search_module, "PER_PAGE", 2)
    response = client.get("/directory/", {"sort": "name"})
    html = response.content.decode()
    assert "More than 5 results, showing the first 5" in html
    assert response.context["outcome"].page.paginator.num_pages == 3
    late = client.get("/directory/", {"sort": "name", "page": "40"}).content.decode()
    assert "We show the first 5 results" in late


def test_option_counts_are_left_out_when_the_area_is_too_large_to_count(client, monkeypatch):
    monkeypatch.setattr(search_module, "FACET_LIMIT", 3)
    html = client.get("/directory/", {"age": "teens"}).content.decode()
    assert "Add a place or a keyword to see how many listings match each option" in html
    assert ">Dialectical behavior therapy (DBT)</option>" in html


def test_a_search_of_the_whole_directory_past_the_limit_skips_counting_once_it_knows(client, monkeypatch):
    monkeypatch.setattr(search_module, "FACET_LIMIT", 3)
    client.get("/directory/", {"age": "teens"})
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/directory/", {"level": "outpatient"}).content.decode()
    assert "Add a place or a keyword to see how many listings match each option" in html
    assert not [query for query in queries if "MATERIALIZED" in query["sql"]]
    Provider.objects.published().exclude(pk__in=Provider.objects.published().values("pk")[:2]).update(
        status=Provider.Status.HIDDEN
    )
    bump_content_version()
    html = client.get("/directory/", {"age": "teens"}).content.decode()
    assert "Add a place or a keyword to see how many listings match each option" not in html


def test_a_keyword_alone_past_the_limit_is_known_to_pass_the_cap_without_a_count(client, monkeypatch):
    monkeypatch.setattr(search_module, "FACET_LIMIT", 3)
    monkeypatch.setattr(search_module, "RESULT_CAP", 2)
    matching = Provider.objects.published().filter(search_module.keyword_filter("a")).count()
    assert matching > 3
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/directory/", {"q": "a"}).content.decode()
    assert "More than 2 results, showing the first 2" in html
    assert not [query for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
    # With a filter the results may be fewer than the area, so they are counted.
    with CaptureQueriesContext(connection) as queries:
        client.get("/directory/", {"q": "a", "age": "teens"})
    assert [query for query in queries if query["sql"].startswith("SELECT COUNT(*)")]


def facet_rows():
    return set(ProviderFacet.objects.values_list("provider_id", "name", "value"))


def test_facets_follow_every_kind_of_change_to_a_provider():
    before = facet_rows()
    provider = Provider.objects.published().filter(telehealth=False).first()
    provider.telehealth, provider.telehealth_states = True, "or; wa"
    provider.save()
    provider.specialties.add(Specialty.objects.create(name="Test issue", slug="test-issue"))
    provider.therapies.clear()
    after = facet_rows()
    assert after != before
    ProviderFacet.objects.all().delete()
    Provider.objects.all().refresh_facets()
    assert facet_rows() == after
    assert {("licensed", "OR"), ("licensed", "WA"), ("telehealth", "yes")} <= {
        (name, value) for pk, name, value in after if pk == provider.pk
    }


def test_licensed_states_reach_a_place_only_while_the_provider_offers_telehealth():
    provider = Provider.objects.published().filter(telehealth=True).first()
    provider.telehealth_states = "or"
    provider.save()
    assert ("licensed", "OR") in {(name, value) for pk, name, value in facet_rows() if pk == provider.pk}
    provider.telehealth = False
    provider.save()
    assert not ProviderFacet.objects.filter(provider=provider, name="licensed").exists()


def test_deleting_a_term_forgets_its_facets():
    specialty = Specialty.objects.filter(provider__isnull=False).first()
    specialty.delete()
    assert not ProviderFacet.objects.filter(name="issue", value=str(specialty.pk)).exists()


def test_adding_a_therapy_to_a_provider_changes_what_its_filter_finds(client):
    provider = Provider.objects.published().exclude(therapies__slug="dbt").first()
    assert provider.name not in all_result_names(client, therapy="dbt")
    provider.therapies.add(*provider.therapies.model.objects.filter(slug="dbt"))
    assert provider.name in all_result_names(client, therapy="dbt")


def test_generated_providers_get_the_facets_refresh_facets_would_write():
    """generate_providers writes facet rows itself, for speed: they must be exactly refresh_facets()'s."""
    before = schema()
    # The second run follows the first, as `make bench` on a database that already has synthetic listings.
    for seed in (1, 2):
        call_command("generate_providers", count=150, seed=seed, verbosity=0, stdout=io.StringIO())
    synthetic = ProviderFacet.objects.filter(provider__slug__startswith="synthetic-")
    generated = set(synthetic.values_list("provider_id", "name", "value"))
    ProviderFacet.objects.all().delete()
    Provider.objects.all().refresh_facets()
    assert generated == set(synthetic.values_list("provider_id", "name", "value"))
    # Every kind of facet the generator writes is compared, the telehealth licences included.
    names = {name for pk, name, value in generated}
    assert {"age", "payment", "telehealth", "accepting", "licensed", "therapy", "level", "issue", "language"} <= names
    assert schema() == before  # on PostgreSQL, every index and key dropped for the load is back


def schema():
    """Every table's constraints and indexes."""
    with connection.cursor() as cursor:
        return {
            table: connection.introspection.get_constraints(cursor, table)
            for table in connection.introspection.table_names(cursor)
        }


def test_generate_providers_failing_leaves_the_tables_and_their_indexes_as_they_were():
    """On PostgreSQL the load drops indexes and keys and rebuilds them: an error must roll that back too."""
    # The first synthetic slug is taken, so the load fails (on PostgreSQL, when the unique index is rebuilt).
    Provider.objects.create(name="Synthetic", slug="synthetic-000001", description="x", kind="therapist")
    before, counts = schema(), (Provider.objects.count(), ProviderFacet.objects.count())
    with pytest.raises(IntegrityError):
        call_command("generate_providers", count=20, verbosity=0, stdout=io.StringIO())
    assert (Provider.objects.count(), ProviderFacet.objects.count()) == counts
    assert schema() == before


def test_a_new_issue_shows_in_the_menu_at_once(client):
    client.get("/directory/")  # the menus are now cached
    Specialty.objects.create(name="Test issue", slug="test-issue")
    assert '<option value="test-issue">Test issue' in client.get("/directory/").content.decode()
