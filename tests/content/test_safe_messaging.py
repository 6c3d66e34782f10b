"""The safe-messaging warnings editors see in admin, and the reason needed to publish over them."""

import pytest

from content.models import Page
from tests.content.test_admin import change_form_data, staff_in

pytestmark = pytest.mark.django_db

CLEAN_SUMMARY = "Many people find ways through it. Help is there when you want it."
CLEAN_BODY = (
    "## Is help out there?\n\nYes. Talking to someone can help [@nice-ng225].\n\n"
    "## What you can do now\n\nCall or text 988 at any time, or see the directory.\n"
)


@pytest.fixture
def reviewer_client(client):
    client.force_login(staff_in("Reviewer"))
    return client


@pytest.fixture
def page():
    page = Page.objects.get(slug="recovery")
    Page.objects.filter(pk=page.pk).update(status=Page.Status.REVIEW, summary=CLEAN_SUMMARY, body=CLEAN_BODY)
    page.refresh_from_db()
    return page


def save(client, page, **overrides):
    return client.post(f"/admin/content/page/{page.pk}/change/", change_form_data(page, **overrides), follow=True)


def warnings_in(response):
    return [str(message) for message in response.context["messages"] if message.level_tag == "warning"]


def test_a_clean_page_saves_for_review_without_warnings(reviewer_client, page):
    response = save(reviewer_client, page)
    assert response.redirect_chain
    assert warnings_in(response) == []


@pytest.mark.parametrize(
    ("overrides", "rule", "detail"),
    [
        ({"body": CLEAN_BODY + "\nShe committed suicide.\n"}, "Unsafe phrase", "“committed suicide”"),
        ({"summary": "It is not attention-seeking. Help is there."}, "Unsafe phrase", "“attention-seeking”"),
        ({"body": CLEAN_BODY + "\nThey used a razor [@nice-ng225].\n"}, "Method or injury detail", "“razor”"),
        ({"body": CLEAN_BODY.replace("What you can do now", "Next")}, "No signpost section", "What you can do now"),
        ({"body": CLEAN_BODY + "\nAbout 40% of teens say so.\n"}, "Number without a source", "About 40% of teens"),
        (
            {"summary": "Psychotherapeutic interventions demonstrate considerable heterogeneity in effectiveness."},
            "Summary is hard to read",
            "Flesch-Kincaid",
        ),
    ],
    ids=["unsafe-phrase-in-body", "unsafe-phrase-in-summary", "method-term", "no-signpost", "number", "grade"],
)
def test_saving_for_review_warns_about_each_rule_and_says_why(reviewer_client, page, overrides, rule, detail):
    response = save(reviewer_client, page, **overrides)
    assert response.redirect_chain, "a warning never stops a page being saved for review"
    warnings = warnings_in(response)
    assert len(warnings) == 1, warnings
    assert rule in warnings[0] and detail in warnings[0]
    assert 'content/data/README.md, section "Safe messaging checks"' in warnings[0]
    page.refresh_from_db()
    assert page.status == Page.Status.REVIEW


def test_a_number_cited_in_the_same_sentence_and_crisis_numbers_are_not_flagged(reviewer_client, page):
    body = CLEAN_BODY + "\nAbout 40% of teens say so [@nice-ng225]. Call 988 or 911, 24 hours a day.\n"
    assert warnings_in(save(reviewer_client, page, body=body)) == []


def test_drafts_are_not_checked(reviewer_client, page):
    response = save(reviewer_client, page, status="draft", body=CLEAN_BODY + "\nShe committed suicide.\n")
    assert warnings_in(response) == []


def test_publishing_with_warnings_and_no_reason_is_refused(reviewer_client, page):
    response = save(
        reviewer_client, page, status="published", reviewed_on="2026-11-01", body=CLEAN_BODY + "\nAbout 40% agree.\n"
    )
    assert not response.redirect_chain
    html = response.content.decode()
    assert "give a reason for publishing anyway. Nothing was saved or published." in html
    assert any("Number without a source" in warning for warning in warnings_in(response))
    page.refresh_from_db()
    assert page.status == Page.Status.REVIEW
    assert "About 40% agree" not in page.body


def test_publishing_with_warnings_and_a_reason_publishes_and_keeps_the_reason_in_history(reviewer_client, page):
    reason = "The figure is cited in the sentence after it; a clinician checked the wording."
    response = save(
        reviewer_client,
        page,
        status="published",
        reviewed_on="2026-11-01",
        body=CLEAN_BODY + "\nAbout 40% agree.\n",
        warning_override_reason=reason,
    )
    assert response.redirect_chain
    assert any("Number without a source" in warning for warning in warnings_in(response))
    page.refresh_from_db()
    assert page.status == Page.Status.PUBLISHED
    assert page.history.latest().history_change_reason == f"Published despite warnings: {reason}"
    history = reviewer_client.get(f"/admin/content/page/{page.pk}/history/").content.decode()
    assert reason in history


def test_publishing_a_clean_page_needs_no_reason(reviewer_client, page):
    response = save(reviewer_client, page, status="published", reviewed_on="2026-11-01")
    assert response.redirect_chain
    page.refresh_from_db()
    assert page.status == Page.Status.PUBLISHED
    assert page.history.latest().history_change_reason is None


@pytest.fixture
def spanish_page():
    return Page.objects.get(slug="que-es-la-autolesion", language="es")


def test_a_spanish_page_as_written_saves_for_review_without_false_warnings(reviewer_client, spanish_page):
    response = save(reviewer_client, spanish_page, status="review")
    assert response.redirect_chain
    assert warnings_in(response) == []


SPANISH_BODY = (
    "## ¿Hay ayuda?\n\nSí. Hablar con alguien puede ayudar [@nice-ng225].\n\n"
    "## Qué puedes hacer ahora\n\nLlama al 988 y marca 2, o envía AYUDA al 988, a cualquier hora.\n"
)


@pytest.mark.parametrize(
    ("overrides", "rule", "detail"),
    [
        ({"body": SPANISH_BODY + "\nSu primo cometió suicidio.\n"}, "Unsafe phrase", "“cometió suicidio”"),
        ({"body": SPANISH_BODY + "\nNo es para llamar la atención [@nice-ng225].\n"}, "Unsafe phrase", "llamar la"),
        ({"body": SPANISH_BODY + "\nUsó una cuchilla [@nice-ng225].\n"}, "Method or injury detail", "“cuchilla”"),
        (
            {"body": SPANISH_BODY.replace("Qué puedes hacer ahora", "Después")},
            "No signpost section",
            "Qué puedes hacer ahora",
        ),
        ({"body": SPANISH_BODY + "\nEl 40 % de los adolescentes lo dice.\n"}, "Number without a source", "El 40 %"),
        (
            {
                "summary": "Las intervenciones psicoterapéuticas manifiestan considerable heterogeneidad "
                "metodológica respecto a su efectividad comparativa."
            },
            "Summary is hard to read",
            "Fernández-Huerta",
        ),
    ],
    ids=["cometio-suicidio", "llamar-la-atencion", "method-term", "no-signpost", "number", "readability"],
)
def test_spanish_pages_are_checked_with_spanish_rules(reviewer_client, spanish_page, overrides, rule, detail):
    overrides = {"body": SPANISH_BODY, "summary": "Hay ayuda. Puedes pedirla cuando quieras.", **overrides}
    response = save(reviewer_client, spanish_page, status="review", **overrides)
    warnings = warnings_in(response)
    assert len(warnings) == 1, warnings
    assert rule in warnings[0] and detail in warnings[0]
