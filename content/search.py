"""Site search over published pages.

PostgreSQL: a stored, weighted search vector (title A, summary B, body C) with a GIN index, websearch
queries, ranking, highlighted passages, and trigram word similarity so "dialectal" still finds DBT.
SQLite: a portable fallback with the same interface: every word must appear; title hits rank highest.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Each page's vector is built with the text search configuration of its language (stemming, stop words).
CONFIGS = {"en": "english", "es": "spanish"}
MARK_START, MARK_END = "\x02", "\x03"
PASSAGE_CHARS = 220
TRIGRAM_THRESHOLD = 0.5


@dataclass
class SearchResult:
    page: object
    passage: str


def config_for(language):
    return CONFIGS.get(language, CONFIGS["en"])


def update_search_vector(page_pk, language="en"):
    from .models import Page

    config = config_for(language)
    Page.objects.filter(pk=page_pk).update(
        search_vector=SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body_text", weight="C", config=config)
    )


def _marked(text):
    """Escape a passage, then turn the match markers into <mark> elements."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


class PageSearchMixin:
    def search(self, query, language="en"):
        """Ranked results for a cleaned query string among the pages in one language, as SearchResults."""
        pages = self.filter(language=language)
        if connection.vendor == "postgresql":
            return pages._search_postgres(query, config_for(language))
        return pages._search_portable(query)

    def _search_postgres(self, query, config):
        search_query = SearchQuery(query, search_type="websearch", config=config)
        pages = (
            self.annotate(
                rank=SearchRank(F("search_vector"), search_query),
                similarity=Greatest(
                    TrigramWordSimilarity(Value(query), "title"), TrigramWordSimilarity(Value(query), "summary")
                ),
                passage=SearchHeadline(
                    "body_text",
                    search_query,
                    config=config,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=40,
                    min_words=20,
                    max_fragments=1,
                ),
            )
            .filter(Q(search_vector=search_query) | Q(similarity__gte=TRIGRAM_THRESHOLD))
            .order_by(F("rank").desc(nulls_last=True), F("similarity").desc(), "title")
        )
        results = []
        for page in pages:
            passage = page.passage if MARK_START in (page.passage or "") else page.summary
            results.append(SearchResult(page, _marked(passage)))
        return results

    def _search_portable(self, query):
        words = [word for word in re.findall(r"\w+", query.lower()) if len(word) > 1][:8]
        if not words:
            return []
        matches = self
        for word in words:
            matches = matches.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body_text__icontains=word)
            )

        def score(page):
            title, summary, body = page.title.lower(), page.summary.lower(), page.body_text.lower()
            return sum(3 * (w in title) + 2 * (w in summary) + min(body.count(w), 5) * 0.2 for w in words)

        ranked = sorted(matches, key=lambda page: (-score(page), page.title))
        return [SearchResult(page, _marked(_passage(page.body_text, words) or page.summary)) for page in ranked]


def _passage(text, words):
    lower = text.lower()
    positions = [lower.find(word) for word in words if lower.find(word) != -1]
    if not positions:
        return ""
    start = max(0, min(positions) - PASSAGE_CHARS // 3)
    snippet = text[start : start + PASSAGE_CHARS]
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    snippet = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", snippet)
    return ("…" if start else "") + snippet + ("…" if start + PASSAGE_CHARS < len(text) else "")
