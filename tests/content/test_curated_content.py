"""Checks over every curated page: safe language, shape, and sources."""

import re
from collections import Counter

import pytest

from content.loader import DATA_DIR, read_page_file, read_sources
from content.models import Page
from content.safe_messaging import (
    LANGUAGES,
    METHOD_TERMS,
    METHOD_TERMS_ES,
    UNSAFE_PHRASES,
    UNSAFE_PHRASES_ES,
    summary_score,
)

pytestmark = pytest.mark.django_db

PAGES = [read_page_file(path) for path in sorted((DATA_DIR / "pages").glob("*.md"))]
SPANISH_PAGES = [read_page_file(path) for path in sorted((DATA_DIR / "pages" / "es").glob("*.md"))]
FORBIDDEN = [*UNSAFE_PHRASES, *METHOD_TERMS]
FORBIDDEN_ES = [*UNSAFE_PHRASES_ES, *METHOD_TERMS_ES]


def words(text):
    return len(re.sub(r"\[@[^\]]+\]|\(/[^)]*\)", "", text).split())


def test_there_are_at_least_25_published_pages_of_every_kind():
    published = Page.objects.published()
    assert published.count() >= 25
    counts = Counter(published.values_list("kind", flat=True))
    assert counts["article"] >= 11 and counts["level"] >= 6 and counts["therapy"] >= 11 and counts["guide"] >= 4


@pytest.mark.parametrize("meta", PAGES, ids=[meta["slug"] for meta in PAGES])
def test_curated_page_uses_safe_language(meta):
    text = " ".join([meta["title"], meta["summary"], meta.get("content_note", ""), meta["body"]]).lower()
    found = [phrase for phrase in FORBIDDEN if re.search(r"\b" + re.escape(phrase) + r"\b", text)]
    assert found == []


@pytest.mark.parametrize("meta", PAGES, ids=[meta["slug"] for meta in PAGES])
def test_curated_page_has_the_agreed_shape(meta):
    assert 400 <= words(meta["body"]) <= 1500
    assert len(meta["summary"]) <= 300
    assert "988" in meta["body"], "every page signposts help"
    assert len(set(re.findall(r"\[@([a-z0-9-]+)\]", meta["body"]))) >= 2, "at least two sources"
    assert "## What you can do now" in meta["body"]


@pytest.mark.parametrize("meta", SPANISH_PAGES, ids=[meta["slug"] for meta in SPANISH_PAGES])
def test_spanish_page_uses_safe_language(meta):
    text = " ".join([meta["title"], meta["summary"], meta.get("content_note", ""), meta["body"]]).lower()
    found = [phrase for phrase in FORBIDDEN_ES + FORBIDDEN if re.search(r"\b" + re.escape(phrase) + r"\b", text)]
    assert found == []


@pytest.mark.parametrize("meta", SPANISH_PAGES, ids=[meta["slug"] for meta in SPANISH_PAGES])
def test_spanish_page_has_the_agreed_shape_and_translates_an_english_page(meta):
    english = {page["slug"]: page for page in PAGES}
    assert meta["language"] == "es"
    assert meta["translation_of"] in english
    assert 300 <= words(meta["body"]) <= 1200
    assert len(meta["summary"]) <= 300
    assert "988" in meta["body"] and "marca 2" in meta["body"], "every page signposts help in Spanish"
    assert "Las fuentes de esta página están en inglés." in meta["body"]
    assert "## Qué puedes hacer ahora" in meta["body"]
    cited = set(re.findall(r"@([a-z0-9-]+)", meta["body"]))
    assert len(cited) >= 2, "at least two sources"
    assert cited <= set(read_sources()), "only sources the site lists"
    assert all(slug in {m["slug"] for m in SPANISH_PAGES} for slug in meta.get("related", []))


def test_every_source_has_a_real_looking_link_and_a_known_kind():
    for key, source in read_sources().items():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", key)
        assert source["url"].startswith("https://"), key
        assert source["kind"] in {"guideline", "study", "review", "government", "organisation"}, key
        if source.get("doi"):
            assert re.fullmatch(r"10\.\d{4,9}/\S+", source["doi"]), key
            assert source["url"] in (f"https://doi.org/{source['doi']}",) or "doi.org" not in source["url"], key


def published_pages():
    return list(Page.objects.published().order_by("slug"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_published_summary_is_easy_to_read_by_its_languages_formula(language):
    # Flesch-Kincaid grade for English; Fernández-Huerta, Flesch's formula adapted to Spanish, for Spanish.
    rules = LANGUAGES[language]
    hard = {
        page.slug: round(summary_score(page.summary, language), 1)
        for page in published_pages()
        if page.language == language and rules.is_hard(summary_score(page.summary, language))
    }
    assert hard == {}, "summaries are what a reader in distress sees first: use short sentences and everyday words"


def test_every_page_that_discusses_suicide_abuse_or_restraint_has_a_content_note():
    sensitive = re.compile(r"\b(suicid\w*|abus\w*|restrain\w*|restraint|seclusion)\b", re.IGNORECASE)
    missing = [page.slug for page in published_pages() if sensitive.search(page.body_text) and not page.content_note]
    assert missing == []


def test_no_page_has_an_image():
    assert not any("![" in meta["body"] or "<img" in meta["body"] for meta in PAGES + SPANISH_PAGES)
