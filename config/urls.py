from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from content.sitemaps import PageSitemap, StaticSitemap
from content.views import favicon, robots_txt
from crisis.views import healthz
from directory.sitemaps import ProviderSitemap

SITEMAPS = {"static": StaticSitemap, "pages": PageSitemap, "providers": ProviderSitemap}

urlpatterns = [
    path("api/hsds/", include("opendata.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("robots.txt", robots_txt, name="robots"),
    # An index of one sitemap per section, so a large directory never outgrows a single file.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
]
# English keeps its addresses; Spanish lives under /es/. The language comes from the URL alone (no cookie,
# no Accept-Language), so a URL always shows the same page to everyone.
urlpatterns += i18n_patterns(
    path("", include("content.urls")),
    path("crisis/", include("crisis.urls")),
    path("directory/", include("directory.urls")),
    prefix_default_language=False,
)

handler500 = "crisis.views.server_error"
