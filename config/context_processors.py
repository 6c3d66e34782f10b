from django.conf import settings

SITE_NAV = [
    ("Learn", "/learn/"),
    ("Levels of care", "/levels-of-care/"),
    ("Therapies", "/therapies/"),
    ("Helping someone", "/helping-someone/"),
    ("Find care", "/directory/"),
    ("Get help now", "/crisis/"),
]


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        # The page without its query string: filtered and paged views of a page are the same page.
        "canonical_url": request.build_absolute_uri(request.path),
        "site_nav": [{"label": label, "url": url, "current": request.path.startswith(url)} for label, url in SITE_NAV],
    }
