"""Display logic for pages that templates should not carry."""

import json

from django.utils.safestring import mark_safe

# Characters that could end a <script> block or start markup, escaped inside JSON strings.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """JSON safe to place inside <script type="application/ld+json"> (a data block: CSP does not run it)."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))


def language_tag(code):
    """ "en-us" as the BCP 47 tag search engines expect: "en-US"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def page_json_ld(page, request):
    """schema.org MedicalWebPage: what the page is, who reviewed it and when, and the sources it cites."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "description": page.summary,
        "url": request.build_absolute_uri(page.get_absolute_url()),
        "inLanguage": language_tag(page.language),
        "dateModified": page.updated_at.isoformat(),
        "citation": [
            {"@type": "CreativeWork", "name": source.title, "url": source.url} for source in page.numbered_sources
        ],
    }
    if page.reviewed_on:
        data["lastReviewed"] = page.reviewed_on.isoformat()
    if page.reviewer:
        data["reviewedBy"] = {"@type": "Person", "name": page.reviewer.name, "description": page.reviewer.credentials}
    return json_ld(data)
