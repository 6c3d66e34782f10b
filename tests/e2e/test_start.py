"""'Where do I start?' works as plain links and forms, with JavaScript off."""

import pytest


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def answer(page, label):
    page.get_by_label(label, exact=True).check()
    # Wait for the next page to load: is_visible() does not wait, and the URL changes before the page arrives.
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def test_the_questions_lead_to_pages_and_a_filtered_directory_without_javascript(no_js_page, site):
    no_js_page.goto(site("/"))
    no_js_page.get_by_role("link", name="Where do I start?").click()
    answer(no_js_page, "No")
    answer(no_js_page, "For someone I care about")
    answer(no_js_page, "Teenager (13 to 17)")
    answer(no_js_page, "Find care, such as therapy")
    assert no_js_page.get_by_role("heading", name="Pages that may help").is_visible()
    no_js_page.get_by_role("link", name="Care for teenagers by telehealth (online sessions)").click()
    assert "age=teens" in no_js_page.url and "telehealth=1" in no_js_page.url
    assert no_js_page.locator(".result-list > li").count() >= 1


def test_yes_to_danger_opens_the_crisis_page(no_js_page, site):
    no_js_page.goto(site("/start/"))
    answer(no_js_page, "Yes")
    assert no_js_page.url.endswith("/crisis/")
    assert no_js_page.get_by_role("heading", name="Get help now", level=1).is_visible()


def test_continuing_without_an_answer_explains_what_to_do(no_js_page, site):
    no_js_page.goto(site("/start/"))
    no_js_page.get_by_role("button", name="Continue").click()
    summary = no_js_page.locator(".govuk-error-summary")
    assert "Choose yes or no" in summary.inner_text()
    summary.get_by_role("link").click()
    assert no_js_page.url.endswith("#id_danger_1")
