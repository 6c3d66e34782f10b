from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.views.decorators.cache import never_cache

from ops.circuit import database_unreachable

from .models import CrisisResource
from .seed import built_in_resources


def crisis_page(request):
    language = translation.get_language()
    try:
        resources = list(CrisisResource.objects.active().in_language(language))
    except DatabaseError:
        # The crisis page never needs the database: the lines as shipped, which editors keep current.
        resources = built_in_resources(language)
    return render(request, "crisis/crisis_page.html", {"resources": resources})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request):
    """The static error page, in the language of the address, without touching the database.

    While the database cannot be reached it answers 503 with Retry-After, so browsers, crawlers and load
    balancers know to come back rather than treat the page as broken.
    """
    language = "es" if request.path.startswith("/es/") else settings.LANGUAGE_CODE
    with translation.override(language):
        response = HttpResponseServerError(loader.get_template("500.html").render())
    if database_unreachable():
        response.status_code = 503
        response["Retry-After"] = str(settings.DATABASE_RETRY_SECONDS)
    return response
