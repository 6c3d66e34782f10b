from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from content.models import Page

pytestmark = pytest.mark.django_db


def staff_in(group_name):
    user = User.objects.create_user(group_name.lower(), password="x" * 16, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def change_form_data(page, **overrides):
    data = {
        "title": page.title, "slug": page.slug, "language": page.language, "kind": page.kind, "audience": page.audience,
        "order": page.order, "summary": page.summary, "content_note": page.content_note, "body": page.body,
        "status": page.status, "reviewer": page.reviewer_id or "",
        "reviewed_on": page.reviewed_on.isoformat() if page.reviewed_on else "",
        "next_review_due": page.next_review_due.isoformat() if page.next_review_due else "",
        "level_facts-TOTAL_FORMS": 0, "level_facts-INITIAL_FORMS": 0,
        "therapy_facts-TOTAL_FORMS": 0, "therapy_facts-INITIAL_FORMS": 0,
        "evidence_findings-TOTAL_FORMS": 0, "evidence_findings-INITIAL_FORMS": 0,
        "citations-TOTAL_FORMS": 0, "citations-INITIAL_FORMS": 0,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_review_overdue_filter_lists_only_overdue_pages(admin_client):
    overdue = Page.objects.get(slug="recovery")
    Page.objects.filter(pk=overdue.pk).update(next_review_due=timezone.localdate() - timedelta(days=1))
    html = admin_client.get("/admin/content/page/?review=overdue").content.decode()
    assert overdue.title in html
    assert "Dialectical behavior therapy" not in html


def test_due_in_30_days_filter(admin_client):
    soon = Page.objects.get(slug="medication")
    Page.objects.filter(pk=soon.pk).update(next_review_due=timezone.localdate() + timedelta(days=10))
    html = admin_client.get("/admin/content/page/?review=30days").content.decode()
    assert soon.title in html
    assert Page.objects.get(slug="recovery").title not in html


def test_the_page_list_shows_status_kind_reviewer_dates_and_a_preview_link(admin_client):
    html = admin_client.get("/admin/content/page/").content.decode()
    for column in ["column-status", "column-kind", "column-reviewer", "column-reviewed_on", "column-next_review_due"]:
        assert column in html
    assert 'href="/therapies/dbt/">View</a>' in html


def test_an_unknown_citation_gets_a_readable_error_in_admin(admin_client):
    page = Page.objects.get(slug="recovery")
    response = admin_client.post(
        f"/admin/content/page/{page.pk}/change/", change_form_data(page, body="Claim [@made-up-2024].")
    )
    assert response.status_code == 200
    assert "No source has the key [@made-up-2024]" in response.content.decode()


def test_an_editor_cannot_publish(client):
    client.force_login(staff_in("Editor"))
    page = Page.objects.get(slug="recovery")
    Page.objects.filter(pk=page.pk).update(status=Page.Status.REVIEW)
    page.refresh_from_db()
    response = client.post(f"/admin/content/page/{page.pk}/change/", change_form_data(page, status="published"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    page.refresh_from_db()
    assert page.status == Page.Status.REVIEW


def test_a_reviewer_can_publish_and_set_review_dates(client):
    client.force_login(staff_in("Reviewer"))
    page = Page.objects.get(slug="recovery")
    Page.objects.filter(pk=page.pk).update(status=Page.Status.REVIEW)
    page.refresh_from_db()
    response = client.post(
        f"/admin/content/page/{page.pk}/change/",
        change_form_data(
            page,
            status="published",
            reviewed_on="2026-11-01",
            next_review_due="2027-05-01",
            warning_override_reason="Checked by the reviewer; the flagged numbers are cited nearby.",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.status == Page.Status.PUBLISHED
    assert page.next_review_due.isoformat() == "2027-05-01"


def test_every_edit_is_kept_in_history_and_can_be_reverted(admin_client):
    page = Page.objects.get(slug="recovery")
    original = page.summary
    admin_client.post(
        f"/admin/content/page/{page.pk}/change/",
        change_form_data(page, summary="Changed summary.", warning_override_reason="Kept as it was."),
    )
    page.refresh_from_db()
    assert page.summary == "Changed summary."
    assert page.history.count() >= 2
    history = admin_client.get(f"/admin/content/page/{page.pk}/history/").content.decode()
    assert "Changes" in history and "Summary" in history and "Changed summary." in history
    earlier = page.history.order_by("history_date")[0]
    earlier.instance.save()
    page.refresh_from_db()
    assert page.summary == original


def test_sources_have_an_autocomplete_for_therapy_evidence(admin_client):
    response = admin_client.get(
        "/admin/autocomplete/?app_label=content&model_name=therapyfacts&field_name=evidence_sources&term=linehan"
    )
    assert response.status_code == 200
    assert "linehan" in response.content.decode()
