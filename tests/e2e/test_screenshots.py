"""Not a check: `make screenshots` writes pictures of the main pages for people to look at."""

from pathlib import Path

import pytest

from tests.e2e.conftest import page_paths

pytestmark = pytest.mark.screenshots
FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = ["home", "article", "therapies", "level", "directory-filtered", "profile", "suggest", "crisis"]
SIZES = {"desktop": {"width": 1280, "height": 1000}, "phone": {"width": 360, "height": 800}}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(browser, site, name, size):
    FOLDER.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=SIZES[size], device_scale_factor=1)
    page = context.new_page()
    path = page_paths(site)[name]
    page.goto(site(path))
    if name == "suggest":
        page.get_by_role("button", name="Send suggestion").click()
    page.screenshot(path=FOLDER / f"{name}-{size}.png")
    context.close()
