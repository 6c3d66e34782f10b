from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from crisis.views import healthz

admin.site.site_header = "Self-harm help: editors and moderators"
admin.site.site_title = "Site admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
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
