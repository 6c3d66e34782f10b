from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.html import escape

from content.models import Page

pytestmark = pytest.mark.django_db


def test_a_page_cannot_be_published_without_a_citation(make_page):
    with pytest.raises(ValidationError) as error:
        make_page(body="No sources here.")
    assert "at least one citation" in str(error.value)


def test_a_page_cannot_be_published_without_a_reviewer(make_page):
    with pytest.raises(ValidationError) as error:
        make_page(reviewer=None)
    assert "needs a reviewer" in str(error.value)


def test_a_page_cannot_be_published_without_a_review_date(make_page):
    with pytest.raises(ValidationError):
        make_page(reviewed_on=None)


def test_the_database_also_refuses_a_published_page_without_a_reviewer(make_page):
    page = make_page()
    with pytest.raises(IntegrityError):
        Page.objects.filter(pk=page.pk).update(reviewer=None)


def test_a_draft_needs_no_citation_or_reviewer(make_page):
    page = make_page(status=Page.Status.DRAFT, body="Work in progress.", reviewer=None, reviewed_on=None)
    assert page.pk


def test_next_review_is_due_a_year_after_the_review_by_default(make_page):
    assert make_page(reviewed_on=date(2026, 3, 1)).next_review_due == date(2027, 3, 1)


def test_drafts_are_never_public(client, make_page):
    page = make_page(status=Page.Status.DRAFT)
    assert client.get(page.get_absolute_url()).status_code == 404
    assert page.title not in client.get("/learn/").content.decode()
    assert page.title not in client.get("/search/?q=test+page").content.decode()


def test_staff_can_preview_a_draft_at_its_url(admin_client, make_page):
    page = make_page(status=Page.Status.DRAFT)
    response = admin_client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert "Preview:" in response.content.decode()


def test_a_page_shows_reviewer_review_dates_sources_and_a_filtered_find_care_link(client):
    html = client.get("/therapies/dbt/").content.decode()
    assert "Medically reviewed by Sample reviewer — replace before launch" in html
    assert "Next review due" in html
    assert 'id="sources-heading"' in html
    assert 'href="/directory/?therapy=dbt"' in html
    assert 'aria-label="Breadcrumb"' in html


def test_readers_are_told_when_a_page_is_overdue_for_review(client):
    from datetime import timedelta

    from django.utils import timezone

    page = Page.objects.get(slug="recovery")
    assert "overdue for its review" not in client.get(page.get_absolute_url()).content.decode()
    page.next_review_due = timezone.localdate() - timedelta(days=1)
    page.save()
    assert "overdue for its review" in client.get(page.get_absolute_url()).content.decode()


def test_a_level_page_links_to_programs_at_that_level(client):
    assert 'href="/directory/?level=residential"' in client.get("/levels-of-care/residential/").content.decode()


def test_a_page_at_the_wrong_section_redirects_to_its_own(client):
    response = client.get("/learn/dbt/")
    assert response.status_code == 301
    assert response["Location"] == "/therapies/dbt/"


def test_a_content_note_is_shown_above_the_summary(client):
    page = Page.objects.exclude(content_note="").filter(kind="article").first()
    html = client.get(page.get_absolute_url()).content.decode()
    assert html.index("Content note:") < html.index('<p class="lead">') < html.index("Sources</h2>")


def test_comparison_tables_list_every_level_and_therapy(client):
    levels = client.get("/levels-of-care/").content.decode()
    for title in (
        Page.objects.published().filter(kind="level", level_facts__isnull=False).values_list("title", flat=True)
    ):
        assert escape(title) in levels
    therapies = client.get("/therapies/").content.decode()
    assert therapies.count("<tr>") == Page.objects.published().filter(kind="therapy").count() + 1
