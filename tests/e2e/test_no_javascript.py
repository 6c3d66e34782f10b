import pytest

from tests.e2e.conftest import PAGE_TYPES, page_paths


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", [*PAGE_TYPES, "profile", "report", "es-profile", "es-report"])
def test_every_page_renders_with_the_banner_without_javascript(no_js_page, site, name):
    response = no_js_page.goto(site(page_paths(site)[name]))
    assert response.status in (200, 404)
    banner = no_js_page.locator(".crisis-banner")
    assert banner.locator('a[href="tel:988"]').first.is_visible()
    assert banner.locator('a[href="tel:911"]').is_visible()
    if name != "admin-login":  # Django admin's login page has no h1 of its own
        assert no_js_page.locator("h1").count() == 1


def test_directory_search_and_filters_work_without_javascript(no_js_page, site):
    no_js_page.goto(site("/directory/"))
    no_js_page.get_by_label("Near (ZIP code, or city and state)").fill("60601")
    no_js_page.get_by_label("Within").select_option("100")
    no_js_page.get_by_text("More filters").click()
    no_js_page.get_by_label("Age group").select_option("adults")
    no_js_page.get_by_role("button", name="Show results").click()
    assert "near=60601" in no_js_page.url and "age=adults" in no_js_page.url
    status = no_js_page.get_by_role("status").first.inner_text()
    assert "within 100 miles of 60601" in status
    assert no_js_page.locator(".result-list > li").count() >= 1


def test_suggest_form_submits_without_javascript(no_js_page, site):
    no_js_page.goto(site("/directory/suggest/"))
    no_js_page.get_by_label("I know of this provider").check()
    no_js_page.get_by_label("Individual therapist").check()
    no_js_page.get_by_label("Name of therapist or program").fill("Morgan Example (no-JS test)")
    no_js_page.get_by_label("What they offer").fill("Therapy for adults.")
    no_js_page.get_by_label("Offers telehealth").check()
    no_js_page.get_by_role("button", name="Send suggestion").click()
    assert no_js_page.get_by_role("heading", name="Thank you for your suggestion").is_visible()


def test_report_form_submits_without_javascript(no_js_page, site):
    no_js_page.goto(site(site.provider_path))
    no_js_page.get_by_role("link", name="Report a problem with this listing").click()
    no_js_page.get_by_label("They have closed or moved").check()
    no_js_page.get_by_role("button", name="Send report").click()
    assert no_js_page.get_by_role("heading", name="Thank you for telling us").is_visible()
