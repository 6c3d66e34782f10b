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
    # Confirm-your-listing: a listing's own pages first, so "confirm" stays free as a listing's slug.
    path("<slug:slug>/new-link/", views.new_link, name="new_link"),
    path("<slug:slug>/new-link/sent/", views.new_link_sent, name="new_link_sent"),
    path("<slug:slug>/confirmed/", views.confirmed, name="confirmed"),
    path("<slug:slug>/changes-sent/", views.changes_sent, name="changes_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("confirm/<str:token>/changes/", views.confirm_changes, name="confirm_changes"),
]
