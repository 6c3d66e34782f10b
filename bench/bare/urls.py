from django.http import HttpResponse
from django.urls import path

SIZE = 8 * 1024
HEAD = "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bare</title></head><body><main>"
TAIL = "</main></body></html>"
FILLER = "<p>A fixed paragraph of text, the same on every request, to give the page its size.</p>\n"
PAGE = (HEAD + FILLER * (SIZE // len(FILLER)))[: SIZE - len(TAIL)] + TAIL


def bare(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", bare)]
