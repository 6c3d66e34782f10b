from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from directory.models import Provider

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get("/directory/", params)
    assert response.status_code == 200
    return response


def names(response):
    return [provider.name for provider in response.context["providers"]]


def total(response):
    return response.context["outcome"].total


def test_the_directory_lists_only_published_providers(client):
    response = search(client)
    assert total(response) == Provider.objects.published().count()
    hidden = Provider.objects.exclude(status="published").values_list("name", flat=True)
    assert hidden and not set(hidden) & set(names(search(client, page=1)))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"telehealth": "1"}, lambda p: p.telehealth),
        ({"accepting": "1"}, lambda p: p.accepting_new_clients),
        ({"level": "residential"}, lambda p: p.levels.filter(slug="residential").exists()),
        ({"therapy": "dbt"}, lambda p: p.therapies.filter(slug="dbt").exists()),
        ({"issue": "eating-disorders"}, lambda p: p.specialties.filter(slug="eating-disorders").exists()),
        ({"age": "teens"}, lambda p: p.serves_teens),
        ({"age": "older_adults"}, lambda p: p.serves_older_adults),
        ({"payment": "medicaid"}, lambda p: p.accepts_medicaid),
        ({"payment": "sliding_scale"}, lambda p: p.sliding_scale),
        ({"insurance": "aetna"}, lambda p: p.insurers.filter(slug="aetna").exists()),
        ({"language": "spanish"}, lambda p: p.languages.filter(slug="spanish").exists()),
        (
            {"q": "teen"},
            lambda p: (
                "teen" in (p.name + p.description).lower() or p.specialties.filter(name__icontains="teen").exists()
            ),
        ),
    ],
)
def test_each_filter_alone_returns_exactly_the_matching_providers(client, params, expected):
    response = search(client, **params)
    wanted = {p.name for p in Provider.objects.published() if expected(p)}
    assert wanted, f"sample data should have a provider for {params}"
    assert total(response) == len(wanted)
    assert set(names(search(client, **params, sort="name"))) <= wanted


def test_filters_combine(client):
    response = search(client, therapy="dbt", age="teens", payment="medicaid")
    wanted = Provider.objects.published().filter(therapies__slug="dbt", serves_teens=True, accepts_medicaid=True)
    assert total(response) == wanted.count() > 0


def test_a_keyword_matches_a_specialty(client):
    response = search(client, q="borderline")
    assert (
        total(response)
        == Provider.objects.published().filter(specialties__name__icontains="borderline").distinct().count()
    )


@pytest.mark.parametrize("q", ["borderline", "example", "borderline example", "example clinic", "Example Borderline"])
def test_every_word_matches_a_name_a_description_or_an_issue(client, q):
    wanted = Provider.objects.published()
    for word in q.split():
        wanted = wanted.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(specialties__name__icontains=word)
        ).distinct()
    assert total(search(client, q=q)) == wanted.count()


def test_each_filter_option_shows_how_many_results_it_would_give(client):
    response = search(client, age="teens")
    html = response.content.decode()
    dbt_with_teens = Provider.objects.published().filter(therapies__slug="dbt", serves_teens=True).count()
    assert f">Dialectical behavior therapy (DBT) ({dbt_with_teens})</option>" in html
    assert search(client, age="teens", therapy="dbt").context["outcome"].total == dbt_with_teens


def test_near_a_zip_shows_distance_and_sorts_by_it(client):
    response = search(client, near="90012", radius="25")
    providers = response.context["providers"]
    distances = [p.distance for p in providers]
    assert distances == sorted(distances) or any(p.is_stale for p in providers)
    assert all(d <= 25 for d in distances)
    assert "Los Angeles, CA · " in response.content.decode()
    assert " mi" in response.content.decode()


def test_a_wider_radius_finds_more(client):
    assert total(search(client, near="60601", radius="5")) < total(search(client, near="60601", radius="100"))


def test_a_city_and_state_works_like_a_zip(client):
    by_city = search(client, near="Chicago, IL", radius="25")
    assert "within 25 miles of Chicago, IL" in by_city.content.decode()
    by_zip = {p.name for p in search(client, near="60601", radius="5").context["providers"]}
    assert by_zip and by_zip <= set(names(by_city))


def test_telehealth_near_a_place_adds_remote_providers_licensed_in_that_state(client):
    remote = Provider.objects.published().filter(locations__isnull=True, telehealth_states__contains="CA").first()
    assert remote is not None
    assert total(search(client, near="90012", radius="25", q=remote.name)) == 0
    response = search(client, near="90012", radius="25", telehealth="1", q=remote.name)
    assert names(response) == [remote.name]
    assert "Remote only" in response.content.decode()


def test_remote_only_providers_say_so(client):
    html = search(client, telehealth="1", sort="name").content.decode()
    html += search(client, telehealth="1", sort="name", page="2").content.decode()
    assert "Remote only" in html


@pytest.mark.parametrize("sort", ["name", "recent", "distance"])
def test_listings_not_verified_for_a_year_fall_below_fresh_ones(client, sort):
    Provider.objects.published().update(last_verified=timezone.localdate())
    stale = Provider.objects.published().filter(locations__city="Los Angeles").order_by("name").first()
    Provider.objects.filter(pk=stale.pk).update(last_verified=timezone.localdate() - timedelta(days=400))
    response = search(client, near="90012", radius="100", sort=sort)
    ordered = names(response)
    assert ordered[-1] == stale.name
    assert "Not verified recently" in response.content.decode()


def test_sort_by_name(client):
    Provider.objects.update(last_verified=timezone.localdate())
    ordered = names(search(client, sort="name"))
    assert ordered == sorted(ordered)


def test_sort_by_recently_verified(client):
    Provider.objects.update(last_verified=timezone.localdate())
    newest = Provider.objects.published().order_by("name").last()
    Provider.objects.filter(pk=newest.pk).update(last_verified=timezone.localdate() + timedelta(days=1))
    assert names(search(client, sort="recent"))[0] == newest.name


def test_pagination_walks_every_result_once(client):
    seen = []
    page = 1
    while True:
        response = search(client, sort="name", page=page)
        seen += names(response)
        if not response.context["outcome"].page.has_next():
            break
        page += 1
    assert len(seen) == len(set(seen)) == Provider.objects.published().count()
    assert page > 1


def test_a_page_past_the_end_shows_the_last_page_with_a_message(client):
    response = search(client, page="999")
    assert "so we are showing the last one" in response.content.decode()
    assert response.context["providers"]


def test_cards_show_the_sample_badge_and_accepting_status(client):
    html = search(client).content.decode()
    assert "Sample listing" in html
    assert "Accepting new clients" in html


def test_cards_list_each_providers_terms_and_locations_in_the_order_of_their_models(client):
    providers = search(client, sort="recent").context["providers"]
    assert providers
    for provider in providers:
        assert provider.card == {
            "credentials": [(c.abbreviation, c.full_name) for c in provider.credentials.all()],
            "specialties": [specialty.name for specialty in provider.specialties.all()],
            "levels": [page.title for page in provider.levels.all()],
            "therapies": [page.title for page in provider.therapies.all()],
            "insurers": [insurer.name for insurer in provider.insurers.all()],
            "locations": list(provider.locations.all()),
        }
    assert any(provider.card["levels"] and provider.card["credentials"] for provider in providers)


def test_a_card_names_credentials_and_issues_and_counts_insurers(client):
    provider = Provider.objects.published().filter(credentials__isnull=False, insurers__isnull=False).first()
    html = search(client, q=provider.name).content.decode()
    credential = provider.credentials.first()
    assert f'<abbr title="{credential.full_name}">{credential.abbreviation}</abbr>' in html
    assert ", ".join(specialty.name for specialty in provider.specialties.all()) in html
    insurers = provider.insurers.count()
    assert f"{insurers} insurer{'s' if insurers != 1 else ''}" in html


def test_an_empty_result_says_what_to_widen_and_repeats_crisis_resources(client):
    html = search(client, near="59001", radius="5", q="zzzznothing").content.decode()
    assert "Nothing matched every filter" in html
    assert "search a wider area" in html
    assert 'href="tel:988"' in html.split("<main", 1)[1]


LONG = "x" * 10_000


@pytest.mark.parametrize(
    "params, message",
    [
        ({"near": "00000"}, "We could not find that place"),
        ({"near": "Nowhere, ZZ"}, "We could not find that place"),
        ({"radius": "7"}, "Choose a distance of 5, 10, 25, 50 or 100 miles"),
        ({"radius": "-1"}, "Choose a distance"),
        ({"radius": "1e9"}, "Choose a distance"),
        ({"page": "abc"}, "The page number must be a whole number"),
        ({"page": "0"}, "greater than or equal to 1"),
        ({"page": "99999999999999999999"}, "less than or equal to"),
        ({"q": LONG}, "Please shorten your search"),
        ({"near": LONG}, "That place is too long"),
        ({"level": "not-a-level"}, "That level of care is not in our list"),
        ({"therapy": "<script>alert(1)</script>"}, "That therapy is not in our list"),
        ({"age": "babies"}, "Choose an age group from the menu"),
        ({"payment": "bitcoin"}, "Choose a payment option from the menu"),
        ({"sort": "'; DROP TABLE directory_provider; --"}, "Sort by distance, name or recently verified"),
        ({"insurance": "' OR 1=1 --"}, "That insurer is not in our list"),
        ({"language": "\x00\x01"}, "That language is not in our list"),
    ],
)
def test_bad_input_gets_a_clear_message_not_an_error(client, params, message):
    response = search(client, **params)
    html = response.content.decode()
    assert message in html
    assert "Some of your search could not be used" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    "q", ["<script>alert(1)</script>", "'; DROP TABLE directory_provider; --", "\x00\x07\x1b[31m", "%%%___", "a" * 199]
)
def test_hostile_keywords_are_searched_safely(client, q):
    response = search(client, q=q)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Provider.objects.count() >= 40


def test_a_results_page_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    params = {"near": "90012", "radius": "100", "telehealth": "1", "therapy": "dbt", "sort": "distance"}
    with django_assert_max_num_queries(30):
        search(client, **params)
    with django_assert_max_num_queries(30):
        search(client, sort="name")


def test_query_count_does_not_grow_with_the_page_size(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory.search import engine as search_module

    search(client, sort="name")  # fills the crisis banner's cache first
    counts = []
    for per_page in (2, 20):
        search_module.PER_PAGE, original = per_page, search_module.PER_PAGE
        try:
            with CaptureQueriesContext(connection) as context:
                search(client, sort="name")
        finally:
            search_module.PER_PAGE = original
        counts.append(len(context))
    assert counts[0] == counts[1]


def test_more_filters_are_folded_away_until_one_is_used(client):
    assert '<details class="more-filters">' in search(client).content.decode()
    html = search(client, therapy="dbt", age="teens").content.decode()
    assert '<details class="more-filters" open>' in html and "More filters (2 on)" in html
    assert '<details class="more-filters" open>' in search(client, age="babies").content.decode()
