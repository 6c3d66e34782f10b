from django.urls import path

from . import api

app_name = "hsds"
urlpatterns = [
    path("", api.root, name="root"),
    path("openapi.json", api.openapi, name="openapi"),
    path("services", api.services, name="services"),
    path("services/<str:id>", api.service, name="service"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<str:id>", api.organization, name="organization"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path("locations/<str:id>", api.location, name="location"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", api.taxonomy_term, name="taxonomy_term"),
]
