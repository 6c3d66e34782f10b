from functools import cache, lru_cache, partial

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from directory.models import Provider
from opendata.samhsa import FEED as SAMHSA_FEED
from pagecache.version import cached_for_version, content_version

PUBLIC_FEEDS = [SAMHSA_FEED]

SITE_NAV = [
    (_("Learn"), "content:learn"),
    (_("Levels of care"), "content:levels"),
    (_("Therapies"), "content:therapies"),
    (_("Helping someone"), "content:guides"),
    (_("Find care"), "directory:search"),
    (_("Get help now"), "crisis:page"),
]


@cache
def fixed_urls(language):
    """The nav's URLs and the home page's in one language: the same on every page, so reversed once."""
    with translation.override(language):
        return [(label, reverse(name)) for label, name in SITE_NAV], reverse("content:home")


def language_links(alternates):
    """The hreflang links and the header's language switch, from {language: url or None}.

    A language without a URL (a page not yet translated) gets no hreflang link, and the switch goes to
    that language's home page instead.
    """
    current = translation.get_language()
    switch = []
    for code, name in settings.LANGUAGES:
        if code != current:
            url = alternates.get(code) or fixed_urls(code)[1]
            switch.append({"code": code, "name": name, "url": url})
    hreflang = [(code, alternates[code]) for code, _name in settings.LANGUAGES if alternates.get(code)]
    return {"hreflang_links": hreflang, "language_switch": switch}


def public_directories(request):
    """The editions of public directories whose listings are published ("SAMHSA National Directory …, 2022"),
    worked out once per content version."""
    listings = Provider.objects.published().filter(feed__in=PUBLIC_FEEDS)
    return cached_for_version(
        "directory:public-directories",
        content_version(request),
        lambda: sorted(set(listings.values_list("source", flat=True))),
    )


def site(request):
    nav, home_url = fixed_urls(translation.get_language())
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        # The page without its query string: filtered and paged views of a page are the same page.
        "canonical_url": request.build_absolute_uri(request.path),
        "site_nav": [{"label": label, "url": url, "current": request.path.startswith(url)} for label, url in nav],
        "home_url": home_url,
        # Worked out only by a template that shows it (the home page).
        "public_directories": SimpleLazyObject(partial(public_directories, request)),
        # A content page sets its own alternate URLs (its translation may have another slug, or none).
        **language_links(getattr(request, "alternate_urls", None) or alternate_urls(request.get_full_path())),
    }


def alternate_urls(full_path):
    """The same address in each language; None where it has no other-language version (a 404, say).

    The query string stays as it is: only the path is translated.
    """
    path, question_mark, query = full_path.partition("?")
    return {
        code: url + question_mark + query if url else None
        for code, url in translated_paths(path, translation.get_language()).items()
    }


# Bounded: paths are whatever visitors ask for, 404s included.
@lru_cache(maxsize=4096)
def translated_paths(path, current):
    """{language: the path in that language, or None}, for a path in the `current` language."""
    paths = {}
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        paths[code] = url if url != path or code == current else None
    return paths
