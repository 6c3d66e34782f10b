from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control

from .forms import SiteSearchForm, StartForm
from .models import Page, Source, ToolReview
from .presenters import page_json_ld
from .start_path import directory_links, suggested_pages

SAFETY_PLAN_SOURCES = ["stanley-2012"]
COPING_PAGE = "coping-with-urges"

FEATURED = [
    "what-is-self-harm",
    "wound-care-and-urgent-help",
    "coping-with-urges",
    "talking-to-someone-you-are-worried-about",
    "making-home-safer",
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
    therapies = (
        Page.objects.published()
        .in_language()
        .of_kind(Page.Kind.THERAPY)
        .select_related("therapy_facts")
        .prefetch_related("evidence_findings")
    )
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
    # The page's own address in each language (a translation may have another slug, or none): the site's
    # context processor words the language switch and hreflang links from it.
    request.alternate_urls = {}
    for code, _name in settings.LANGUAGES:
        other = page.translation_in(code)
        request.alternate_urls[code] = other.get_absolute_url() if other else None
    return render(
        request,
        "content/page_detail.html",
        {
            "page": page,
            "related": page.related.published(),
            "section": (label, reverse(url_name)),
            "json_ld": page_json_ld(page, request),
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


def safety_plan(request):
    sources = Source.objects.filter(key__in=SAFETY_PLAN_SOURCES)
    coping = Page.objects.published().by_english_slug([COPING_PAGE]).get(COPING_PAGE)
    if coping:
        coping_url = coping.get_absolute_url()
    else:
        with translation.override(Page.Language.ENGLISH):
            coping_url = reverse("content:article", args=[COPING_PAGE])
    review = ToolReview.objects.select_related("reviewer").filter(tool=ToolReview.Tool.SAFETY_PLAN).first()
    return render(request, "content/safety_plan.html", {"sources": sources, "coping_url": coping_url, "review": review})


def start(request):
    form = StartForm(request.GET or None)
    answers = form.answers()
    if answers.get("danger") == "yes":
        return redirect("crisis:page")
    question = form.next_question()
    review = ToolReview.objects.select_related("reviewer").filter(tool=ToolReview.Tool.START).first()
    context = {"form": form, "answers": answers, "question": question, "review": review}
    if question is None:
        context["pages"] = suggested_pages(answers["who"], answers["age"], answers["need"])
        context["directory_links"] = directory_links(answers["age"], answers["need"])
    else:
        context["field"] = form[question]
        context["earlier"] = {name: value for name, value in answers.items() if name != question}
    return render(request, "content/start.html", context)


@cache
def favicon_svg():
    with open(finders.find("favicon.svg"), "rb") as file:
        return file.read()


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to; answer with the site's icon."""
    return HttpResponse(favicon_svg(), content_type="image/svg+xml")


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap-index"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
