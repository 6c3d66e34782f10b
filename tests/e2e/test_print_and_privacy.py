from urllib.parse import urlsplit

from tests.e2e.conftest import PAGE_TYPES, page_paths


def test_printing_a_guide_shows_content_sources_and_crisis_numbers_not_navigation(page, site):
    page.goto(site("/helping-someone/what-to-do-in-an-emergency/"))
    page.emulate_media(media="print")
    assert page.locator(".crisis-banner").is_visible()
    assert page.locator('.crisis-banner a[href="tel:988"]').first.is_visible()
    assert page.locator("article h1").is_visible()
    assert page.locator("#sources-heading").is_visible()
    for hidden in [".site-nav", ".site-footer", ".quick-exit", ".toc", ".breadcrumbs"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.pdf(format="Letter")[:4] == b"%PDF"


def test_no_request_leaves_the_site_and_no_cookie_is_stored_for_a_reader(browser, site):
    context = browser.new_context()
    page = context.new_page()
    hosts, console_errors = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda message: message.type == "error" and console_errors.append((page.url, message.text)))
    for name in [*PAGE_TYPES, "profile", "report", "es-profile", "es-report"]:
        if name == "admin-login":
            continue  # staff only; the admin login form sets its own CSRF cookie
        page.goto(site(page_paths(site)[name]))
        page.wait_for_load_state("networkidle")
    assert hosts == {urlsplit(site.url).netloc}
    assert context.cookies() == []
    not_found_pages = {site(PAGE_TYPES["not-found"]), site(PAGE_TYPES["es-not-found"])}
    assert [error for error in console_errors if error[0] not in not_found_pages] == [], "CSP or script errors"
    context.close()
