"""Search entries: the table a search at a place reads. It must always be what a full rebuild would write,
and a search read from it must give exactly what the search over the providers' own rows gives."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from directory.forms import DirectorySearchForm
from directory.models import (
    FACET_CODES,
    FACET_RELATIONS,
    OPTION_NUMBERS,
    Location,
    Provider,
    SearchEntry,
    Specialty,
    facet_key,
    facet_of_key,
    write_search_entries,
)
from directory.search import DirectorySearch, PlaceSearch, search_for

pytestmark = pytest.mark.django_db


def entry_rows():
    return Counter(
        (e.provider_id, e.latitude, e.longitude, e.licensed_state, e.name, e.last_verified, tuple(sorted(e.facets)))
        for e in SearchEntry.objects.all()
    )


def rebuilt_entry_rows():
    """The entries a rebuild from scratch writes (in place of the table's rows)."""
    SearchEntry.objects.all().delete()
    write_search_entries(f"SELECT id FROM {Provider._meta.db_table}", [])
    return entry_rows()


def entries_of(provider):
    return SearchEntry.objects.filter(provider=provider)


def test_each_location_and_each_licensed_state_of_a_published_provider_has_an_entry():
    provider = Provider.objects.published().filter(telehealth=True, locations__isnull=False).first()
    provider.telehealth_states = "CA, OR"
    provider.save()
    located = {(loc.latitude, loc.longitude) for loc in provider.locations.all()}
    entries = entries_of(provider)
    assert {(e.latitude, e.longitude) for e in entries if not e.licensed_state} == located
    assert sorted(e.licensed_state for e in entries if e.licensed_state) == ["CA", "OR"]
    expected_keys = sorted(facet_key(f.name, f.value) for f in provider.facets.exclude(name="licensed"))
    assert all(sorted(e.facets) == expected_keys for e in entries)
    assert entry_rows() == rebuilt_entry_rows()


def test_entries_follow_every_kind_of_change_to_a_provider_and_its_locations():
    provider = Provider.objects.published().filter(locations__isnull=False).first()
    provider.name = "Renamed Example"
    provider.telehealth, provider.telehealth_states = True, "wa"
    provider.save()
    provider.specialties.add(Specialty.objects.create(name="Test issue", slug="test-issue"))
    provider.therapies.clear()
    location = provider.locations.first()
    location.latitude += 0.5
    location.save()
    Location.objects.create(
        provider=provider,
        street="1 New St",
        city="Portland",
        state="OR",
        zip_code="97201",
        latitude=45.5,
        longitude=-122.7,
    )
    assert entry_rows() == rebuilt_entry_rows()
    assert {e.name for e in entries_of(provider)} == {"Renamed Example"}
    location.delete()
    assert entry_rows() == rebuilt_entry_rows()


def test_bulk_updates_keep_the_entries_in_step():
    provider = Provider.objects.published().first()
    Provider.objects.filter(pk=provider.pk).update(last_verified=timezone.localdate() - timedelta(days=400))
    assert {e.last_verified for e in entries_of(provider)} == {timezone.localdate() - timedelta(days=400)}
    Provider.objects.published().filter(pk=provider.pk).update(status=Provider.Status.HIDDEN)
    assert not entries_of(provider).exists()
    Provider.objects.filter(pk=provider.pk).update(status=Provider.Status.PUBLISHED)
    assert entries_of(provider).exists()
    assert entry_rows() == rebuilt_entry_rows()


def test_hidden_and_pending_providers_have_no_entries():
    provider = Provider.objects.published().first()
    provider.status = Provider.Status.PENDING
    provider.save()
    assert not entries_of(provider).exists()
    assert not SearchEntry.objects.exclude(provider__status=Provider.Status.PUBLISHED).exists()


def test_deleting_a_provider_deletes_its_entries():
    provider = Provider.objects.published().filter(locations__isnull=False).first()
    pk = provider.pk
    provider.delete()
    assert not SearchEntry.objects.filter(provider_id=pk).exists()
    assert entry_rows() == rebuilt_entry_rows()


def test_deleting_a_term_takes_its_key_out_of_the_entries():
    specialty = Specialty.objects.filter(provider__status=Provider.Status.PUBLISHED).first()
    key = facet_key("issue", str(specialty.pk))
    assert any(key in e.facets for e in SearchEntry.objects.all())
    specialty.delete()
    assert not any(key in e.facets for e in SearchEntry.objects.all())
    assert entry_rows() == rebuilt_entry_rows()


def test_generated_providers_get_the_entries_refresh_facets_would_write():
    for seed in (1, 2):
        call_command("generate_providers", count=120, seed=seed, verbosity=0, stdout=io.StringIO())
    assert SearchEntry.objects.filter(provider__slug__startswith="synthetic-").count() > 120
    assert entry_rows() == rebuilt_entry_rows()


def test_every_facet_key_names_its_facet_and_value_again():
    pairs = [(name, value) for name, options in OPTION_NUMBERS.items() for value in options]
    pairs += [(name, str(pk)) for name in FACET_RELATIONS for pk in (1, 42, 9_999_999)]
    assert {name for name, _ in pairs} == set(FACET_CODES)
    keys = [facet_key(name, value) for name, value in pairs]
    assert len(set(keys)) == len(keys)
    assert [facet_of_key(key) for key in keys] == pairs


SEARCHES = [
    "near=10001&radius=100",
    "near=90012&radius=100&sort=distance",
    "near=90012&radius=100&sort=name",
    "near=90012&radius=100&sort=recent",
    "near=Chicago, IL&radius=50&sort=recent",
    "near=60601&radius=25&telehealth=1",
    "near=97201&radius=100&telehealth=1&sort=distance",
    "near=90012&radius=100&telehealth=1&therapy=dbt",
    "near=90012&radius=100&age=adults&payment=sliding_scale",
    "near=10001&radius=100&telehealth=1&therapy=dbt&age=teens&accepting=1",
    "near=90012&radius=100&accepting=1&therapy=dbt",
    "near=10001&radius=100&accepting=1",
    "near=90012&radius=100&level=outpatient&language=spanish",
    "near=90012&radius=100&issue=self-harm&insurance=aetna&sort=name",
    "near=90012&radius=100&q=Example",
    "near=10001&radius=100&q=group&telehealth=1",
    "near=90012&radius=5",
    "near=99501&radius=5",
]


@pytest.mark.parametrize("query", SEARCHES)
def test_a_search_at_a_place_gives_what_the_search_over_providers_gives(query):
    form = DirectorySearchForm(QueryDict(query))
    assert form.is_valid(), form.errors
    criteria = form.criteria()
    entries, providers = PlaceSearch(criteria, form.term_ids), DirectorySearch(criteria, form.term_ids)
    assert entries.facet_counts() == providers.facet_counts()
    total = providers.count_results(1001)
    assert entries.count_results(1001) == total
    assert entries.count_results(2) == min(total, 2)
    assert entries.ids_in_order(0, total + 5) == providers.ids_in_order(0, total + 5)
    assert entries.ids_in_order(1, 4) == providers.ids_in_order(1, 4)
    assert type(search_for(criteria)) is PlaceSearch


def test_option_counts_are_left_out_past_the_limit_at_a_place_too(monkeypatch):
    from directory.search import engine as search_module

    form = DirectorySearchForm(QueryDict("near=90012&radius=100"))
    form.is_valid()
    monkeypatch.setattr(search_module, "FACET_LIMIT", 2)
    assert PlaceSearch(form.criteria(), form.term_ids).facet_counts() == (None, None)
