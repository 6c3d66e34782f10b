"""Where each "Where do I start?" answer leads: plain navigation, chosen by who the reader is and what they
need. Nothing here scores, rates or predicts anything (NICE NG225 advises against risk tools for that)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Page

PAGES = {
    ("me", "understand"): ["what-is-self-harm", "why-people-self-harm", "self-harm-and-suicide"],
    ("someone", "understand"): ["what-is-self-harm", "signs-of-self-harm", "why-people-self-harm"],
    ("me", "urge"): ["coping-with-urges", "wound-care-and-urgent-help", "recovery"],
    ("someone", "urge"): [
        "what-to-do-in-an-emergency", "talking-to-someone-you-are-worried-about", "wound-care-and-urgent-help",
    ],
    ("me", "care"): ["choosing-a-level-of-care", "finding-a-therapist", "outpatient"],
    ("someone", "care"): ["choosing-a-level-of-care", "finding-a-therapist", "family-therapy"],
    ("me", "talk"): ["talking-to-your-therapist", "coping-with-urges", "recovery"],
    ("someone", "talk"): ["talking-to-someone-you-are-worried-about", "looking-after-yourself", "signs-of-self-harm"],
    ("me", "appointment"): ["talking-to-your-therapist", "choosing-a-level-of-care", "medication"],
    ("someone", "appointment"): ["choosing-a-level-of-care", "talking-to-your-therapist", "medication"],
}  # fmt: skip
YOUNG = {"children", "teens"}
AGE_GROUPS = {
    "children": gettext_lazy("children"),
    "teens": gettext_lazy("teenagers"),
    "adults": gettext_lazy("adults"),
    "older_adults": gettext_lazy("older adults"),
}
# Parents and carers of young people see the guide written for them first.
FOR_PARENTS = "supporting-a-teenager"


def suggested_pages(who, age, need):
    slugs = list(PAGES[(who, need)])
    if who == "someone" and age in YOUNG:
        slugs = [FOR_PARENTS, *slugs[:2]]
    # Under another language, each page's translation where there is one, else the English page.
    pages = Page.objects.published().by_english_slug(slugs)
    return [pages[slug] for slug in slugs if slug in pages]


def directory_links(age, need):
    """Directory searches already filtered to the reader's answers, as (label, url) pairs, in the request's
    language."""
    search = reverse("directory:search")

    def url(**params):
        return f"{search}?{urlencode({'age': age, **params})}"

    people = {"people": AGE_GROUPS[age]}
    links = [
        (_("Care for %(people)s (add your ZIP code on the next page)") % people, url()),
        (_("Care for %(people)s by telehealth (online sessions)") % people, url(telehealth=1)),
    ]
    if need == "care":
        links += [
            (_("Weekly therapy for %(people)s (outpatient)") % people, url(level="outpatient")),
            (
                _("Several sessions a week for %(people)s (intensive outpatient)") % people,
                url(level="intensive-outpatient"),
            ),
        ]
    return links
