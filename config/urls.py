from django.contrib import admin
from django.urls import include, path

from crisis.views import healthz

urlpatterns = [
    path("", include("content.urls")),
    path("crisis/", include("crisis.urls")),
    path("directory/", include("directory.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
