"""What search engines read: the sitemap, robots.txt, canonical links and structured data."""

import json
import re
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from content.models import Page
from directory.models import Provider

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client):
    """Every <loc> in every sitemap the index lists, with its <lastmod>."""
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    urls = {}
    for section in index.findall("sm:sitemap/sm:loc", NS):
        response = client.get(section.text.removeprefix("http://testserver"))
        assert response.status_code == 200
        for url in ElementTree.fromstring(response.content).findall("sm:url", NS):
            lastmod = url.find("sm:lastmod", NS)
            urls[url.find("sm:loc", NS).text] = lastmod.text if lastmod is not None else None
    return urls


def day(moment):
    return timezone.localtime(moment).date().isoformat()


def absolute(path):
    return f"http://testserver{path}"


def test_the_sitemap_lists_every_published_page_and_provider_with_its_date(client):
    urls = sitemap_urls(client)

    for page in Page.objects.published():
        assert urls[absolute(page.get_absolute_url())][:10] == day(page.updated_at)
    for provider in Provider.objects.published():
        assert urls[absolute(provider.get_absolute_url())][:10] == day(provider.updated_at)
    for path in ["/", "/learn/", "/levels-of-care/", "/therapies/", "/helping-someone/", "/crisis/", "/directory/"]:
        assert absolute(path) in urls


def test_the_sitemap_leaves_out_hidden_pending_and_draft_listings(client):
    hidden = Provider.objects.published().first()
    hidden.status = Provider.Status.HIDDEN
    hidden.save()
    pending = Provider.objects.published().first()
    pending.status = Provider.Status.PENDING
    pending.save()
    draft = Page.objects.published().first()
    Page.objects.filter(pk=draft.pk).update(status=Page.Status.DRAFT)

    urls = sitemap_urls(client)

    for left_out in (hidden, pending, draft):
        assert absolute(left_out.get_absolute_url()) not in urls


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert not response.cookies


def canonical(html):
    return re.findall(r'<link rel="canonical" href="([^"]+)">', html)


@pytest.mark.parametrize("path", ["/", "/learn/what-is-self-harm/", "/crisis/"])
def test_pages_name_their_canonical_url(client, path):
    assert canonical(client.get(path).content.decode()) == [absolute(path)]


def test_a_filtered_directory_search_is_canonically_the_directory(client):
    html = client.get("/directory/", {"therapy": "dbt", "page": 2}).content.decode()

    assert canonical(html) == [absolute("/directory/")]


def json_ld(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_content_pages_describe_themselves_as_a_medical_web_page(client):
    page = Page.objects.published().select_related("reviewer").get(slug="dbt")

    data = json_ld(client.get(page.get_absolute_url()).content.decode())

    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == page.title
    assert data["description"] == page.summary
    assert data["url"] == absolute(page.get_absolute_url())
    assert data["lastReviewed"] == page.reviewed_on.isoformat()
    assert data["reviewedBy"]["name"] == page.reviewer.name
    assert data["dateModified"] == page.updated_at.isoformat()
    assert data["inLanguage"] == "en"
    assert [c["url"] for c in data["citation"]] == [source.url for source in page.numbered_sources]
    assert all(c["@type"] == "CreativeWork" and c["name"] for c in data["citation"])


def test_structured_data_cannot_close_its_script_block(client):
    page = Page.objects.published().get(slug="dbt")
    Page.objects.filter(pk=page.pk).update(summary="Ends here </script><script>alert(1)</script>")

    html = client.get(page.get_absolute_url()).content.decode()

    assert json_ld(html)["description"].startswith("Ends here </script>")
    assert "<script>alert(1)" not in html.split('type="application/ld+json">')[1].split("</script>")[0]
