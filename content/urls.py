from django.urls import path

from . import views

app_name = "content"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    path("start/", views.start, name="start"),
    path("learn/", views.learn_index, name="learn"),
    path("learn/<slug:slug>/", views.page_detail, {"kind": "article"}, name="article"),
    path("levels-of-care/", views.levels_index, name="levels"),
    path("levels-of-care/<slug:slug>/", views.page_detail, {"kind": "level"}, name="level"),
    path("therapies/", views.therapies_index, name="therapies"),
    path("therapies/<slug:slug>/", views.page_detail, {"kind": "therapy"}, name="therapy"),
    path("helping-someone/", views.guides_index, name="guides"),
    path("helping-someone/<slug:slug>/", views.page_detail, {"kind": "guide"}, name="guide"),
]
