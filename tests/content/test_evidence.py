"""Therapy evidence is rated in the GRADE words of the current Cochrane reviews, never a stronger word of ours."""

import importlib

import pytest
from django.apps import apps

from content.loader import fingerprint, load_pages, page_state
from content.models import Page, TherapyFacts

pytestmark = pytest.mark.django_db

grade_migration = importlib.import_module("content.migrations.0004_therapy_evidence_in_grade_words")


def test_every_therapy_is_rated_in_grade_words_or_marked_not_assessed():
    ratings = set(TherapyFacts.objects.values_list("evidence", flat=True))
    assert ratings <= {"high", "moderate", "low", "very_low", "uncertain", "not_assessed"}


def test_no_therapy_rests_on_a_superseded_cochrane_review():
    cited = set(TherapyFacts.objects.values_list("evidence_sources__key", flat=True))
    assert not cited & {"hawton-2015", "hawton-2016"}
    assert not Page.objects.filter(citations__source__key__in=["hawton-2015", "hawton-2016"]).exists()


def test_a_therapy_page_shows_the_reviews_certainty_word(client):
    html = client.get("/therapies/cbt/").content.decode()
    assert "<strong>Low certainty.</strong>" in html
    assert 'href="/therapies/#evidence-words"' in html


def test_the_therapies_table_explains_the_certainty_words(client):
    html = client.get("/therapies/").content.decode()
    assert 'id="evidence-words"' in html
    assert "Not assessed in the Cochrane reviews" in html


def test_the_grade_migration_keeps_unedited_pages_updatable_by_the_loader():
    page = Page.objects.select_related("therapy_facts").get(slug="cbt")
    facts = page.therapy_facts
    TherapyFacts.objects.filter(pk=facts.pk).update(evidence="moderate")
    page.refresh_from_db()
    Page.objects.filter(pk=page.pk).update(curated_hash=fingerprint(page_state(page)))

    grade_migration.forwards(apps, None)

    facts.refresh_from_db()
    assert facts.evidence == "uncertain"
    load_pages()
    facts.refresh_from_db()
    assert facts.evidence == "low"


def test_the_grade_migration_leaves_an_editors_rating_for_the_editor():
    page = Page.objects.select_related("therapy_facts").get(slug="mbct")
    TherapyFacts.objects.filter(page=page).update(evidence="strong")
    Page.objects.filter(pk=page.pk).update(curated_hash="edited-by-an-editor")

    grade_migration.forwards(apps, None)
    load_pages()

    assert TherapyFacts.objects.get(page=page).evidence == "uncertain"
    assert Page.objects.get(pk=page.pk).curated_hash == "edited-by-an-editor"
