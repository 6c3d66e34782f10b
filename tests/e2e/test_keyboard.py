import pytest

from tests.e2e.conftest import page_paths


def focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, href: e.getAttribute('href'), cls: e.className, text: e.textContent.trim()}; }"
    )


@pytest.mark.parametrize("name", ["home", "therapy", "directory", "profile", "crisis", "not-found"])
def test_tab_order_starts_with_skip_link_then_crisis_links_then_quick_exit(page, site, name):
    page.goto(site(page_paths(site)[name]))
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert order[0]["href"] == "#main" and "skip-link" in order[0]["cls"]
    # Then 988 by call and text, 911, and "En español: llama al 988 y marca 2".
    assert [item["href"] for item in order[1:5]] == ["tel:988", "sms:988", "tel:911", "tel:988"]
    assert "quick-exit" in order[5]["cls"]


def test_the_skip_link_moves_focus_to_the_main_content(page, site):
    page.goto(site("/"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("name", ["home", "directory", "suggest", "safety-plan", "start", "start-results"])
def test_every_control_is_reachable_by_tab_with_a_visible_focus_ring_and_no_trap(page, site, name):
    page.goto(site(page_paths(site)[name]))
    # Number every control a keyboard user should reach; a group of radios is one stop for Tab.
    reachable = page.evaluate(
        """() => {
            const radioGroups = new Set();
            let count = 0;
            for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
                if (!e.checkVisibility() || e.tabIndex < 0 || e.closest('.honeypot')) continue;
                if (e.type === 'radio') { if (radioGroups.has(e.name)) continue; radioGroups.add(e.name); }
                e.dataset.stop = count++;
            }
            return count;
        }"""
    )
    seen = set()
    for _ in range(reachable + 5):
        page.keyboard.press("Tab")
        element = page.evaluate_handle("document.activeElement")
        key = page.evaluate("e => e.type === 'radio' ? 'radio:' + e.name : e.dataset.stop", element)
        tag = page.evaluate("e => e.tagName", element)
        if tag != "BODY":
            seen.add(key)
            style = page.evaluate(
                "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }", element
            )
            assert style[0] != "none" and style[1] != "0px", f"no visible focus on control {key}"
    assert len(seen) >= reachable, f"reached {len(seen)} of {reachable} controls"
    # No trap: Tab keeps moving, and focus can leave the last control and come round again.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.tagName") != "BODY" or reachable == 0
