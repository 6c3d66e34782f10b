from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from config.context_processors import language_links

from .forms import SiteSearchForm
from .models import Page

FEATURED = [
    "what-is-self-harm",
    "coping-with-urges",
    "talking-to-someone-you-are-worried-about",
    "choosing-a-level-of-care",
]


def home(request):
    # The featured pages are named by their English slugs; other languages show their translations of them.
    pages = Page.objects.published().in_language()
    if translation.get_language() == Page.Language.ENGLISH:
        featured = {page.slug: page for page in pages.filter(slug__in=FEATURED)}
    else:
        featured = {
            page.translation_of.slug: page
            for page in pages.filter(translation_of__slug__in=FEATURED).select_related("translation_of")
        }
    return render(request, "content/home.html", {"featured": [featured[slug] for slug in FEATURED if slug in featured]})


def learn_index(request):
    articles = list(Page.objects.published().in_language().of_kind(Page.Kind.ARTICLE))
    groups = [
        (label, [page for page in articles if page.audience == audience])
        for audience, label in [
            (Page.Audience.BOTH, _("Understanding self-harm")),
            (Page.Audience.ME, _("If you self-harm")),
            (Page.Audience.LOVED_ONE, _("If you are worried about someone")),
        ]
    ]
    return render(request, "content/learn_index.html", {"groups": [group for group in groups if group[1]]})


def levels_index(request):
    pages = Page.objects.published().in_language().of_kind(Page.Kind.LEVEL).select_related("level_facts")
    levels = [page for page in pages if hasattr(page, "level_facts")]
    guides = [page for page in pages if not hasattr(page, "level_facts")]
    return render(request, "content/levels_index.html", {"levels": levels, "guides": guides})


def therapies_index(request):
    therapies = Page.objects.published().in_language().of_kind(Page.Kind.THERAPY).select_related("therapy_facts")
    return render(request, "content/therapies_index.html", {"therapies": therapies})


def guides_index(request):
    guides = Page.objects.published().in_language().of_kind(Page.Kind.GUIDE)
    return render(request, "content/guides_index.html", {"guides": guides})


def page_detail(request, slug, kind):
    pages = Page.objects.select_related("reviewer", "level_facts", "therapy_facts", "translation_of")
    if not request.user.is_staff:
        pages = pages.published()
    page = pages.in_language().filter(slug=slug).first()
    if page is None:
        raise Http404("No such page")
    if page.kind != kind:
        return redirect(page, permanent=True)
    label, url_name = SECTIONS[page.kind]
    alternates = {}
    for code, _name in settings.LANGUAGES:
        other = page.translation_in(code)
        alternates[code] = other.get_absolute_url() if other else None
    return render(
        request,
        "content/page_detail.html",
        {
            "page": page,
            "related": page.related.published(),
            "section": (label, reverse(url_name)),
            **language_links(alternates),
        },
    )


SECTIONS = {
    Page.Kind.ARTICLE: (_("Learn"), "content:learn"),
    Page.Kind.LEVEL: (_("Levels of care"), "content:levels"),
    Page.Kind.THERAPY: (_("Therapies"), "content:therapies"),
    Page.Kind.GUIDE: (_("Helping someone"), "content:guides"),
}


def search(request):
    form = SiteSearchForm(request.GET)
    query, results = "", []
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query:
            results = Page.objects.published().search(query, language=translation.get_language())
    return render(request, "content/search.html", {"form": form, "query": query, "results": results})
