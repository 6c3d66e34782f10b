from functools import wraps

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt


def same_origin_post(view):
    """Cookie-free protection against cross-site posts, for the anonymous forms.

    Readers get no cookies, so these forms cannot use Django's CSRF cookie. Browsers say where a
    request comes from (Sec-Fetch-Site, Origin); a post known to come from another site is refused.
    Under our no-referrer policy a browser without Sec-Fetch-Site sends `Origin: null`, which says
    nothing either way, so it is let through to the honeypot and rate limit.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not _from_this_site(request):
            return render(request, "403_csrf.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _from_this_site(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin in (None, "null"):
        return True
    return url_has_allowed_host_and_scheme(origin, allowed_hosts={request.get_host()})
