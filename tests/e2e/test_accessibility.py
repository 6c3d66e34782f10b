import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import PAGE_TYPES, page_paths

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE = Axe()
ALL_PAGES = [*PAGE_TYPES, "profile", "report", "es-profile", "es-report"]


def axe_violations(page):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return results.violations_count, results.generate_report()


@pytest.mark.parametrize("name", ALL_PAGES)
def test_no_axe_violations_at_wcag_22_aa(page, site, name):
    page.goto(site(page_paths(site)[name]))
    count, report = axe_violations(page)
    assert count == 0, report


@pytest.mark.parametrize(
    "name", ["home", "therapy", "directory-filtered", "profile", "crisis", "suggest", "safety-plan", "start"]
)
def test_no_axe_violations_in_dark_mode(browser, site, name):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site(page_paths(site)[name]))
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    count, report = axe_violations(page)
    context.close()
    assert count == 0, report


@pytest.mark.parametrize("form_path", ["/directory/suggest/", "report"])
def test_forms_with_errors_have_no_axe_violations_and_link_errors_to_fields(page, site, form_path):
    page.goto(site(site.provider_path + "report/" if form_path == "report" else form_path))
    page.get_by_role("button", name="Send").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    assert links.count() >= 1
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert page.locator(target).count() == 1, f"{target} does not name a field"
    count, report = axe_violations(page)
    assert count == 0, report


@pytest.mark.parametrize(
    "name",
    [
        "home", "article", "therapy", "directory", "profile", "crisis", "suggest", "not-found",
        "levels", "guides", "therapies", "safety-plan", "start", "start-results", "es-article", "es-crisis",
        "es-safety-plan", "es-start", "es-start-results",
    ],
)  # fmt: skip
def test_headings_start_at_one_h1_and_never_skip_a_level(page, site, name):
    page.goto(site(page_paths(site)[name]))
    levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName[1]))")
    assert levels[0] == 1 and levels.count(1) == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, levels
