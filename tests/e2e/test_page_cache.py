"""Two gunicorn workers, each with its own memory cache: an edit must reach readers of both at once."""

import urllib.request

PAGE = "/learn/recovery/"


def reader_views(site, times=20):
    """The page as a reader gets it (no cookies), fetched often enough to reach both workers."""
    pages = []
    for _ in range(times):
        with urllib.request.urlopen(site(PAGE), timeout=10) as response:
            pages.append(response.read().decode())
    return pages


def retitle(staff_page, site, old, new):
    staff_page.goto(site("/admin/content/page/"))
    staff_page.get_by_role("link", name=old, exact=True).click()
    staff_page.locator("#id_title").fill(new)
    # The curated pages carry safe-messaging warnings; publishing over them needs a reason.
    staff_page.locator("#id_warning_override_reason").fill("Title change only.")
    staff_page.locator('input[name="_save"]').click()
    staff_page.wait_for_url(site("/admin/content/page/"))


def test_an_edit_in_admin_reaches_readers_on_every_worker_at_once(staff_page, site):
    title = "What does recovery from self-harm look like?"
    edited = "What can recovery from self-harm look like?"
    assert all(title in page for page in reader_views(site))
    retitle(staff_page, site, title, edited)
    try:
        pages = reader_views(site)
        assert sum(edited in page for page in pages) == len(pages)
    finally:
        retitle(staff_page, site, edited, title)
    assert all(title in page for page in reader_views(site))
