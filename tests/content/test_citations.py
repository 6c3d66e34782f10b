import pytest
from django.core.exceptions import ValidationError

from content.models import Page, Source
from content.rendering import cited_keys, render_body

pytestmark = pytest.mark.django_db


def test_sources_are_numbered_in_order_of_first_use_without_repeats():
    body = "One [@b-2001]. Two [@a-2002]. Again [@b-2001]. Both [@a-2002; @c-2003]."
    assert cited_keys(body) == ["b-2001", "a-2002", "c-2003"]


def test_a_repeated_citation_reuses_its_number_and_gets_its_own_anchor():
    html = render_body("One [@b-2001]. Two [@a-2002]. Again [@b-2001].").html
    assert html.count('href="#source-1"') == 2
    assert 'id="cite-1-1"' in html and 'id="cite-1-2"' in html
    assert '<a href="#source-2" id="cite-2-1" aria-label="Source 2">2</a>' in html


def test_a_marker_with_several_keys_becomes_several_superscripts():
    html = render_body("Claim [@a-1; @b-2].").html
    assert html.count('<sup class="citation">') == 2


def test_a_malformed_marker_is_a_validation_error(make_page):
    with pytest.raises(ValidationError) as error:
        make_page(body="Claim [@Not A Key!].")
    assert "is not a citation marker" in str(error.value)


def test_an_unknown_key_is_a_validation_error_that_names_it(make_page):
    with pytest.raises(ValidationError) as error:
        make_page(body="Claim [@test-2020]. Another [@nobody-1999].")
    assert "[@nobody-1999]" in str(error.value)


def test_the_page_lists_its_sources_in_citation_order_with_links_back(client, make_page):
    Source.objects.create(key="first-2019", authors="Roe R", title="First", publisher="P", year=2019,
                          url="https://example.org/first", kind="study")  # fmt: skip
    page = make_page(body="## Part\n\nA [@first-2019]. B [@test-2020]. C [@first-2019].")
    assert [s.key for s in page.numbered_sources] == ["first-2019", "test-2020"]
    html = client.get(page.get_absolute_url()).content.decode()
    assert '<li id="source-1">' in html and '<li id="source-2">' in html
    assert html.index("First</cite>") < html.index("A test source</cite>")
    assert 'href="#cite-1-1"' in html


def test_editing_the_body_renumbers_the_stored_citations(make_page):
    Source.objects.create(key="other-2018", authors="X", title="Other", publisher="P", year=2018,
                          url="https://example.org/o", kind="study")  # fmt: skip
    page = make_page()
    page.body = "New [@other-2018]. Old [@test-2020]."
    page.save()
    page = Page.objects.get(pk=page.pk)
    assert [s.key for s in page.numbered_sources] == ["other-2018", "test-2020"]
