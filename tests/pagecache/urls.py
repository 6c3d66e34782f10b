"""The site's URLs plus two pages no reader page is today: one that sets a cookie, one marked private."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_control

from config.urls import urlpatterns as site_urlpatterns


def sets_a_cookie(request):
    response = HttpResponse("<p>A page that remembers something.</p>")
    response.set_cookie("remembered", "yes")
    return response


@cache_control(private=True)
def private_page(request):
    return HttpResponse("<p>A page for one person.</p>")


# Added to the site's own list: i18n_patterns may not sit inside an include().
urlpatterns = [
    path("sets-a-cookie/", sets_a_cookie),
    path("private/", private_page),
    *site_urlpatterns,
]
