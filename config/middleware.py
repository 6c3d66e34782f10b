from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PrivacyHeadersMiddleware:
    """Permissions-Policy everywhere, and a referrer policy that still lets staff log in to admin.

    Readers get `Referrer-Policy: no-referrer`. Under that policy browsers send `Origin: null` with form
    posts, which Django's CSRF check rightly refuses, so admin pages (staff only) use `same-origin`:
    a referrer is sent to this site and never to another.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(self.admin_prefix):
            response.headers["Referrer-Policy"] = "same-origin"
        return response


class URLLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus `Vary: Accept-Language`.

    With `prefix_default_language=False` the URL alone decides the language (an unprefixed URL is always
    English), so the header never changes a response. Django still adds the Vary header to unprefixed
    URLs, which would make any cache keyed by URL store one copy per browser language for nothing. No
    redirect is lost: Django only redirects when the default language is prefixed too.
    """

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
