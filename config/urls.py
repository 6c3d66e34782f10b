from django.contrib import admin
from django.urls import include, path

from content.views import favicon
from crisis.views import healthz

urlpatterns = [
    path("", include("content.urls")),
    path("crisis/", include("crisis.urls")),
    path("directory/", include("directory.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
