from django.conf import settings


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
