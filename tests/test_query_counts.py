"""Each page type sends a fixed number of queries, whatever the size of the data behind it.

Every page is asked for with a cookie, so the whole-page cache for cookie-less readers does not answer and
the view really runs; the crisis banner's numbers are warmed first, as they are on a running site.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Provider

pytestmark = pytest.mark.django_db

PAGES = {
    "/": 2,
    "/learn/": 2,
    "/learn/what-is-self-harm/": 5,
    "/levels-of-care/": 2,
    "/levels-of-care/intensive-outpatient/": 5,
    "/therapies/": 3,
    "/therapies/dbt/": 7,
    "/helping-someone/": 2,
    "/helping-someone/supporting-a-teenager/": 5,
    "/crisis/": 2,
    "/search/?q=coping": 2,
    # Every page reads the content version once (the page cache and the crisis banner share it).
    # The directory: option counts with the area's size and the number of results (1), the page's ids,
    # the cards, their locations and the terms they list (3); its menus come from the cache. One more query
    # counts the results when the area is too large to count options in; one more when a page runs from
    # recently verified listings into older ones.
    "/directory/": 6,
    # At a place the page's ids come with the option counts, in the same query.
    "/directory/?near=10001&radius=100": 5,
    "/directory/?near=90012&radius=100&sort=distance&telehealth=1&therapy=dbt": 5,
    "/directory/?q=Harbor&sort=name": 7,  # and which issues each word names
    "/directory/?level=intensive-outpatient&payment=medicaid&accepting=1": 6,
}


def queries_for(client, url):
    client.cookies["reader"] = "measured"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("url, expected", PAGES.items())
def test_each_page_type_sends_a_fixed_number_of_queries(client, url, expected):
    assert queries_for(client, url) == expected


def test_query_counts_stay_the_same_with_more_listings(client):
    profile = Provider.objects.published().first().get_absolute_url()
    before = {url: queries_for(client, url) for url in [*PAGES, profile]}
    call_command("generate_providers", count=150, verbosity=0)
    after = {url: queries_for(client, url) for url in [*PAGES, profile]}
    assert after == before
