import pytest

from tests.e2e.conftest import PAGE_TYPES, page_paths

PHONE = {"width": 360, "height": 640}


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", [*PAGE_TYPES, "profile", "report", "es-profile", "es-report"])
def test_crisis_numbers_are_visible_without_scrolling_and_nothing_scrolls_sideways(phone_page, site, name):
    phone_page.goto(site(page_paths(site)[name]))
    for href in ["tel:988", "sms:988", "tel:911"]:
        # The first of each: the English banner also has "En español: llama al 988 y marca 2"; the Spanish
        # text link carries the word AYUDA (sms:988?&body=AYUDA).
        box = phone_page.locator(f'.crisis-banner a[href^="{href}"]').first.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], href
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide"


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "directory",
        "profile",
        "suggest",
        "crisis",
        "therapy",
        "safety-plan",
        "start",
        "start-results",
        "es-crisis",
        "es-directory",
    ],
)
def test_controls_are_at_least_24_px(phone_page, site, name):
    phone_page.goto(site(page_paths(site)[name]))
    small = phone_page.evaluate(
        """() => [...document.querySelectorAll(
              '.crisis-banner a, .site-nav a, .breadcrumbs a, button, input:not([type=hidden]), select, .pagination a')]
            .filter(e => e.offsetParent !== null && !e.closest('.honeypot'))
            .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == []
