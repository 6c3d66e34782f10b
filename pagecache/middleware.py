"""Whole pages for readers, from the shared cache, and gzip for readers only.

A reader is a visitor with no cookie and no credentials outside /admin/: readers all see the same page
for a URL, so one rendering can serve them all. Staff always carry a session cookie, so they never get a
cached page and never fill the cache. See docs/decisions/007-page-cache-and-compression.md.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.http import parse_http_date_safe

from ops.circuit import database_unreachable

from .version import content_version

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"
# The test GZipMiddleware makes, so a page is cached once compressed and once plain, never mixed up.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Every reader sends no cookie, so a page that varies on Cookie is the same for all of them.
VARY_ALLOWED = {"accept-encoding", "cookie"}
NOT_STORED = {"private", "no-store"}


def is_reader(request):
    return (
        not request.META.get("HTTP_COOKIE")
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(ADMIN_PREFIX)
    )


class PageCacheMiddleware:
    """Answers a reader's GET or HEAD from the cache, keyed by URL and encoding, while its version is current.

    Placed after SecurityMiddleware (which then adds its headers to hits too) and before the privacy and
    content-security-policy headers (stored with the page), sessions and authentication, which a hit
    skips. A cache that fails only means the page is rendered.

    Each URL keeps its last good copy, with the content version and day it was rendered for. A copy of an
    older version is rendered afresh, except while the database cannot be reached: then the last good
    copy is better than an error page, and is served marked not to be kept downstream.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        key = page_key(request) if seconds and request.method in {"GET", "HEAD"} and is_reader(request) else None
        if key is None:
            return self.get_response(request)
        version = None if database_unreachable() else content_version(request)
        if version is None and not database_unreachable():
            # Neither the cache nor the database can say which version is current: a cache that is down.
            return self.get_response(request)
        kept = _cache_call("get", key)
        # Pages say when a review is overdue or a listing was last verified: render them afresh each day.
        current = (version, timezone.localdate().isoformat())
        if kept is not None:
            if database_unreachable():
                return answer_from_cache(request, kept, last_good_copy=True)
            if kept[:2] == current:
                return answer_from_cache(request, kept)
        response = self.get_response(request)
        if database_unreachable():
            # The database failed during this request. A page rendered without it is never stored.
            if kept is not None and response.status_code >= 500:
                return answer_from_cache(request, kept, last_good_copy=True)
            return response
        if request.method == "GET" and storable(response):
            _cache_call("set", key, (*current, response.content, list(response.items())), seconds)
        return response


def page_key(request):
    try:
        url = request.build_absolute_uri()
    except DisallowedHost:
        return None
    encoding = "gzip" if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "identity"
    # Cached pages keep the security headers they were stored with: a new policy must not find them.
    policies = f"{settings.CONTENT_SECURITY_POLICY!r} {settings.PERMISSIONS_POLICY}"
    digest = hashlib.sha256(f"{encoding} {url} {policies}".encode()).hexdigest()
    return f"page:{digest}"


def storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = {
        part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    return not cache_control & NOT_STORED and vary <= VARY_ALLOWED


def answer_from_cache(request, kept, last_good_copy=False):
    _version, _day, content, headers = kept
    response = HttpResponse(content, headers=headers)
    if last_good_copy:
        # It may be out of date: no browser or proxy should keep it once the database is back.
        response["Cache-Control"] = "no-store"
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def _cache_call(method, *args):
    try:
        return getattr(caches["default"], method)(*args)
    except Exception:
        logger.exception("Page cache unavailable; serving the page uncached")
        return None


class ReaderGZipMiddleware(GZipMiddleware):
    """Compresses responses for readers only.

    Compression lets an attacker who can reflect text into a page learn a secret on that page from its
    compressed size (BREACH). Reader pages hold no secret; admin pages and staff pages hold CSRF tokens.
    """

    def process_response(self, request, response):
        if not is_reader(request):
            return response
        return super().process_response(request, response)
