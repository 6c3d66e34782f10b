from functools import wraps
from urllib.parse import urlsplit

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

DEFAULT_PORTS = {"http": 80, "https": 443}


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
            context = {"origin": request.headers.get("Origin", ""), "site_origin": _site_origin(request)}
            return render(request, "403_csrf.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _from_this_site(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin in (None, "null"):
        return True
    sent = _origin_tuple(origin)
    return sent is not None and sent == _origin_tuple(_site_origin(request))


def _site_origin(request):
    # request.scheme follows SECURE_PROXY_SSL_HEADER, so https behind a TLS-terminating proxy is https here.
    return f"{request.scheme}://{request.get_host()}"


def _origin_tuple(origin):
    """Scheme, host and port, with the scheme's default port filled in; None for anything unparsable."""
    try:
        parts = urlsplit(origin)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def unlisted(view):
    """A page for one person, reached by a private link: never cached, never indexed."""

    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped
