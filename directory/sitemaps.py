from django.contrib.sitemaps import Sitemap

from .models import Provider


class ProviderSitemap(Sitemap):
    # Under the 50,000 a sitemap file may hold; more providers spill into ?p=2 of the same section.
    limit = 10_000

    def items(self):
        return Provider.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, provider):
        return provider.updated_at
