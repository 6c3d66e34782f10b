from django.contrib import admin
from django.urls import include, path

from crisis.views import healthz

admin.site.site_header = "Self-harm help: editors and moderators"
admin.site.site_title = "Site admin"

urlpatterns = [
    path("", include("content.urls")),
    path("crisis/", include("crisis.urls")),
    path("directory/", include("directory.urls")),
    path("api/hsds/", include("directory.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
