"""Therapy evidence: per therapy and age group, the direction a review found and its own certainty word."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from content.loader import DATA_DIR, CuratedDataError, read_page_file
from content.models import EvidenceFinding, Page, Source, TherapyFacts

pytestmark = pytest.mark.django_db

THERAPY_FILES = [
    meta for meta in (read_page_file(path) for path in sorted((DATA_DIR / "pages").glob("*.md"))) if "therapy" in meta
]


@pytest.mark.parametrize("meta", THERAPY_FILES, ids=[meta["slug"] for meta in THERAPY_FILES])
def test_every_therapy_says_what_the_reviews_found_for_adults_and_for_young_people(meta):
    findings = meta["therapy"]["evidence"]
    assert {finding["ages"] for finding in findings} == {"adults", "young_people"}
    # The finding cites the review that says it, and the page lists that review among its evidence.
    assert {finding["source"] for finding in findings} <= set(meta["therapy"]["evidence_sources"])


def test_no_therapy_rests_on_a_superseded_cochrane_review():
    cited = set(TherapyFacts.objects.values_list("evidence_sources__key", flat=True))
    cited |= set(EvidenceFinding.objects.values_list("source__key", flat=True))
    assert not cited & {"hawton-2015", "hawton-2016"}
    assert not Page.objects.filter(citations__source__key__in=["hawton-2015", "hawton-2016"]).exists()


def test_a_therapy_page_shows_each_finding_in_the_words_of_its_data(client):
    html = client.get("/therapies/dbt/").content.decode()
    for finding in EvidenceFinding.objects.filter(page__slug="dbt", page__language="en").select_related("source"):
        row = html.split(f'<th scope="row">{finding.get_ages_display()}</th>', 1)[1].split("</tr>", 1)[0]
        assert f"<td>{finding.outcome}</td>" in row
        assert f"<td>{finding.get_effect_display()}</td>" in row
        assert f"<td>{finding.get_certainty_display()}</td>" in row
        assert finding.source.url in row
    assert 'href="/therapies/#evidence-words"' in html


def test_the_therapies_table_has_a_column_for_each_age_group_from_the_pages_data(client):
    dbt = Page.objects.get(slug="dbt", language="en")
    young = dbt.evidence_findings.get(ages="young_people")
    html = client.get("/therapies/").content.decode()
    row = html.split('href="/therapies/dbt/"', 1)[1].split("</tr>", 1)[0]
    assert f"{young.get_effect_display()} ({young.get_certainty_display().lower()})" in row
    assert "Evidence for self-harm: children and teens" in html
    assert 'id="evidence-words"' in html


def test_a_finding_with_no_trial_reviewed_has_no_certainty_word():
    page = Page.objects.get(slug="cbt", language="en")
    review = Source.objects.get(key="witt-2021")
    rated_yet_unassessed = EvidenceFinding(
        page=page, ages="adults", outcome="No trial", effect="not_assessed", certainty="low", source=review
    )
    with pytest.raises(ValidationError):
        rated_yet_unassessed.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        rated_yet_unassessed.save()


def test_a_finding_whose_certainty_word_is_not_given_says_so_rather_than_guess(client):
    page = Page.objects.get(slug="group-therapy", language="en")
    unrated = page.evidence_findings.filter(certainty="").exclude(effect="not_assessed").first()
    assert unrated is not None
    html = client.get("/therapies/group-therapy/").content.decode()
    assert "Not given here: see the review" in html


def test_evidence_findings_belong_on_therapy_pages():
    article = Page.objects.get(slug="recovery", language="en")
    finding = EvidenceFinding(
        page=article, ages="adults", outcome="x", effect="not_assessed", source=Source.objects.first()
    )
    with pytest.raises(ValidationError):
        finding.full_clean()


def test_the_loader_refuses_an_evidence_word_of_our_own(tmp_path):
    path = tmp_path / "made-up.md"
    path.write_text(
        '+++\nslug = "made-up"\n[therapy]\nformats = []\n[[therapy.evidence]]\nages = "adults"\noutcome = "x"\n'
        'effect = "fewer"\ncertainty = "strong"\nsource = "witt-2021-adults"\n+++\nBody\n'
    )
    with pytest.raises(CuratedDataError, match="certainty 'strong'"):
        read_page_file(path)
