"""A provider's confirm-your-listing pages in a real browser: accessible, keyboard-first, good at 360 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_accessibility import WCAG_22_AA

# Prints a new link's token for the listing at the given profile path (the server's own database).
NEW_LINK = """
from directory.models import Provider, VerificationRequest
provider = Provider.objects.get(slug="{slug}")
request, token = VerificationRequest.for_email(provider, "e2e@example.org")
request.save()
print("TOKEN", token)
"""


@pytest.fixture
def confirm_path(site):
    slug = site.provider_path.strip("/").split("/")[-1]
    output = site.manage("shell", "-c", NEW_LINK.format(slug=slug))
    token = next(line.split()[1] for line in output.splitlines() if line.startswith("TOKEN "))
    return f"/directory/confirm/{token}/"


def violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return results.violations_count, results.generate_report()


def test_the_confirm_page_is_accessible_and_confirms_from_the_keyboard(page, site, confirm_path):
    page.goto(site(confirm_path))
    count, report = violations(page)
    assert count == 0, report
    levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName[1]))")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(current <= previous + 1 for previous, current in zip(levels, levels[1:], strict=False)), levels
    button = page.get_by_role("button", name="Everything is correct").first
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/confirmed/")
    assert page.get_by_role("heading", name="Thank you: your listing is confirmed").is_visible()
    page.goto(site(confirm_path))
    assert page.get_by_role("heading", name="This link has already been used").is_visible()
    count, report = violations(page)
    assert count == 0, report


def test_the_change_form_with_errors_is_accessible_and_fits_a_phone(browser, site, confirm_path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site(confirm_path + "changes/"))
    page.get_by_label("States licensed in for telehealth").fill("Narnia")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my changes").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.get_attribute("role") == "alert" and "NARNIA is not a US state" in summary.inner_text()
    target = summary.locator("a").first.get_attribute("href")
    assert page.locator(target).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    count, report = violations(page)
    context.close()
    assert count == 0, report
