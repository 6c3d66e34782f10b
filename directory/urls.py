from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/thanks/", views.suggest_thanks, name="suggest_thanks"),
    path("<slug:slug>/", views.profile, name="profile"),
    path("<slug:slug>/report/", views.report, name="report"),
    path("<slug:slug>/reported/", views.report_thanks, name="report_thanks"),
]
