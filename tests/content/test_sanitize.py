import pytest

from content.rendering import render_body


@pytest.mark.parametrize(
    "body, forbidden",
    [
        ("Hi <script>alert(1)</script> there", "<script"),
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
        ('<p style="color:red">x</p>', "style="),
        ("<form action='/x'><input></form>", "<form"),
    ],
)
def test_dangerous_html_in_a_body_is_removed(body, forbidden):
    assert forbidden not in render_body(body).html


def test_outbound_links_get_noopener_noreferrer():
    html = render_body("[NIMH](https://www.nimh.nih.gov/)").html
    assert 'rel="noopener noreferrer"' in html


def test_headings_get_ids_for_the_table_of_contents():
    rendered = render_body("## Is it common?\n\nText.\n\n## What helps?\n\nMore.")
    assert [h["name"] for h in rendered.headings] == ["Is it common?", "What helps?"]
    assert f'id="{rendered.headings[0]["id"]}"' in rendered.html


def test_plain_text_for_search_has_no_markup_or_markers():
    text = render_body("## Heading\n\nSome **bold** claim [@x-2000].").text
    assert "<" not in text and "CITEREF" not in text and "bold claim" in text
