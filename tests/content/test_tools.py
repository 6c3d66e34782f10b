"""The reader's tools: the safety plan, "Where do I start?", and small site-wide fixes."""

import re
from itertools import product

import pytest

from content.forms import StartForm
from content.start_path import PAGES
from tests.helpers import parse_links

pytestmark = pytest.mark.django_db

PAGES_MENTIONING_A_SAFETY_PLAN = [
    "/learn/coping-with-urges/", "/learn/recovery/", "/learn/talking-to-your-therapist/",
    "/learn/self-harm-and-suicide/", "/levels-of-care/inpatient/", "/levels-of-care/outpatient/",
    "/levels-of-care/partial-hospitalization/", "/therapies/psychodynamic-therapy/",
    "/helping-someone/supporting-a-teenager/", "/helping-someone/what-to-do-in-an-emergency/",
]  # fmt: skip


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_safety_plan_has_six_labelled_steps_and_no_form_that_could_send_them(client):
    page = html(client, "/safety-plan/")
    assert len(re.findall(r'<h2 id="step-\d">Step \d:', page)) == 6
    assert "<form" not in page.split('<main id="main"')[1].split("</main>")[0]
    for field_id in re.findall(r'<textarea id="([a-z-]+)"', page):
        assert f'<label for="{field_id}">' in page
    assert not re.search(r"<textarea[^>]*\bname=", page), "plan fields have no name, so nothing could submit them"


def test_the_safety_plan_prefills_988_and_911_and_cites_stanley_and_brown(client):
    page = html(client, "/safety-plan/")
    assert "call or text 988, any time\nEmergency: call 911</textarea>" in page
    assert "Safety Planning Intervention: A Brief Intervention to Mitigate Suicide Risk" in page
    assert 'href="https://doi.org/10.1016/j.cbpra.2011.01.001"' in page
    assert 'href="#source-1"' in page


def test_the_safety_plan_says_exactly_where_it_is_kept(client):
    page = html(client, "/safety-plan/")
    assert "in this browser on this device, until you press “Delete from this device”" in page
    assert "In a private or incognito window, nothing is kept" in page
    assert "data-plan-tools hidden" in page, "the buttons that need JavaScript stay hidden without it"


def test_the_safety_plan_sets_no_cookie(client):
    assert not client.get("/safety-plan/").cookies


@pytest.mark.parametrize("url", ["/", "/crisis/", *PAGES_MENTIONING_A_SAFETY_PLAN])
def test_pages_that_mention_a_safety_plan_link_to_it(client, url):
    assert "/safety-plan/" in parse_links(html(client, url)).links


def test_the_home_page_starts_with_where_do_i_start(client):
    main = html(client, "/").split('<main id="main"')[1]
    assert main.index('href="/start/"') < main.index("<h1")


def test_start_first_asks_about_danger(client):
    page = html(client, "/start/")
    assert "Are you, or is someone else, in danger right now?" in page
    assert 'name="danger"' in page and 'method="get"' in page


def test_saying_yes_to_danger_goes_straight_to_the_crisis_page(client):
    response = client.get("/start/?danger=yes&step=danger")
    assert response.status_code == 302 and response["Location"] == "/crisis/"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("step=danger", "Choose yes or no. If you are not sure, choose yes."),
        ("danger=maybe&step=danger", "That answer is not one of the choices."),
        ("danger=no&step=who", "Choose whether this is for you or for someone you care about."),
        ("danger=no&who=me&age=toddlers", "That answer is not one of the choices. Choose an age group."),
        ("danger=no&who=me&age=teens&need=%00&step=need", "That answer is not one of the choices."),
    ],
)
def test_a_missing_or_unknown_answer_asks_again_with_a_clear_message(client, query, message):
    response = client.get(f"/start/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "There is a problem" in page


def test_an_unknown_step_is_ignored_and_the_next_question_asked(client):
    page = html(client, "/start/?danger=no&who=me&age=teens&step=bogus")
    assert "What would help most right now?" in page and "There is a problem" not in page


def test_each_question_carries_the_earlier_answers(client):
    page = html(client, "/start/?danger=no&who=someone&step=who")
    assert "How old is the person you care about?" in page
    assert '<input type="hidden" name="danger" value="no">' in page
    assert '<input type="hidden" name="who" value="someone">' in page


def test_every_set_of_answers_leads_to_three_pages_and_a_filtered_directory_that_all_work(client):
    links = set()
    for who, (age, _), (need, _) in product(["me", "someone"], StartForm.AGE_CHOICES, StartForm.NEED_CHOICES):
        page = html(client, f"/start/?danger=no&who={who}&age={age}&need={need}")
        assert len(re.findall(r'<li class="card">', page)) == 3, (who, age, need)
        found = {link for link in parse_links(page).links if link.startswith("/")}
        assert {f"/directory/?age={age}", f"/directory/?age={age}&telehealth=1"} <= found
        links |= found
    broken = [link for link in sorted(links) if client.get(link).status_code != 200]
    assert broken == []


def test_every_suggested_page_exists():
    from content.models import Page

    slugs = {slug for slugs in PAGES.values() for slug in slugs} | {"supporting-a-teenager"}
    assert set(Page.objects.published().filter(slug__in=slugs).values_list("slug", flat=True)) == slugs


def test_care_answers_add_level_filters_the_directory_knows(client):
    page = html(client, "/start/?danger=no&who=me&age=adults&need=care")
    for level in ["outpatient", "intensive-outpatient"]:
        url = f"/directory/?age=adults&level={level}"
        assert url in parse_links(page).links
        assert "That level of care is not in our list" not in html(client, url)


def test_favicon_is_linked_and_favicon_ico_answers(client):
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html(client, "/")
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content and not response.cookies


@pytest.mark.parametrize("url", ["/levels-of-care/", "/helping-someone/", "/therapies/"])
def test_index_pages_never_skip_a_heading_level(client, url):
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html(client, url))]
    assert levels[0] == 1
    assert all(current <= previous + 1 for previous, current in zip(levels, levels[1:], strict=False)), levels


def test_the_crisis_page_says_what_the_quick_exit_does_and_does_not_do(client):
    page = html(client, "/crisis/")
    assert "the Back button will not bring you here" not in page
    assert "It replaces only the page you were on in the history of that tab." in page
    assert "delete the pages of this site, or clear your recent history" in page
