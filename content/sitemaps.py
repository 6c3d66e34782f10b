from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Page

STATIC_PAGES = [
    "content:home",
    "content:learn",
    "content:levels",
    "content:therapies",
    "content:guides",
    "crisis:page",
    "directory:search",
]


class StaticSitemap(Sitemap):
    """Home, the section indexes, crisis help and the directory."""

    def items(self):
        return STATIC_PAGES

    def location(self, item):
        return reverse(item)


class PageSitemap(Sitemap):
    def items(self):
        return Page.objects.published().only("slug", "kind", "updated_at").order_by("pk")

    def lastmod(self, page):
        return page.updated_at
