"""Walk the whole public site from the home page, as a reader would."""

from urllib.parse import urldefrag, urlsplit

import pytest

from tests.helpers import assert_crisis_banner, parse_links

pytestmark = pytest.mark.django_db


def internal(href):
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/admin/", "/static/")):
        return None
    return urldefrag(href)[0]


def crawl(client):
    seen, queue, pages = set(), ["/"], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        pages[url] = response
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for href in parse_links(response.content.decode()).links:
                target = internal(href)
                if target and target not in seen:
                    queue.append(target)
    return pages


@pytest.fixture
def crawled(client):
    return crawl(client)


def test_every_internal_link_works(crawled):
    broken = {url: r.status_code for url, r in crawled.items() if r.status_code != 200}
    assert broken == {}
    assert len(crawled) > 1
    assert {"/safety-plan/", "/start/", "/crisis/"} <= set(crawled), "the reader's tools are linked"


def test_every_page_has_the_crisis_banner_before_main(crawled):
    for url, response in crawled.items():
        if response["Content-Type"].startswith("text/html"):
            try:
                assert_crisis_banner(response.content.decode())
            except AssertionError as error:
                raise AssertionError(f"{url}: {error}") from None


def test_no_page_sets_a_cookie_for_a_reader(crawled):
    assert any("/report/" in url for url in crawled), "the crawl should reach the form pages too"
    for url, response in crawled.items():
        assert not response.cookies, f"{url} set {list(response.cookies)}"


def test_no_page_loads_anything_from_another_host(crawled):
    for url, response in crawled.items():
        html = response.content.decode()
        for marker in ('src="http', "src='http", 'src="//', '<link rel="stylesheet" href="http', "@import"):
            assert marker not in html, f"{url} loads {marker}"


def test_outbound_links_do_not_send_a_referrer(crawled):
    import re

    for url, response in crawled.items():
        for tag in re.findall(r"<a\s[^>]*href=\"https?://[^>]*>", response.content.decode()):
            assert 'rel="noopener noreferrer"' in tag, f"{url}: {tag}"


def test_every_page_names_its_canonical_url(crawled):
    for url, response in crawled.items():
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            path = url.split("?")[0]
            assert f'<link rel="canonical" href="http://testserver{path}">' in response.content.decode(), url
