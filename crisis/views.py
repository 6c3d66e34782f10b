from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.views.decorators.cache import never_cache

from .models import CrisisResource


def crisis_page(request):
    resources = CrisisResource.objects.active().in_language(translation.get_language())
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
    """The static 500 page, in the language of the address, without touching the database."""
    language = "es" if request.path.startswith("/es/") else settings.LANGUAGE_CODE
    with translation.override(language):
        return HttpResponseServerError(loader.get_template("500.html").render())
