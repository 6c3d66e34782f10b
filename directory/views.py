from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from crisis.models import CrisisResource

from .decorators import same_origin_post
from .forms import DirectorySearchForm, ProblemReportForm, SuggestionForm
from .models import Provider
from .presenters import SELECT_FILTERS, filter_fields, provider_json_ld
from .search import DirectorySearch
from .services import accept_submission


def search(request):
    form = DirectorySearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    criteria = form.criteria() if form.is_bound else {"place": None, "radius": 25, "sort": "name", "page": 1}
    outcome = DirectorySearch(criteria, term_ids=form.term_ids).run()
    context = {
        "form": form,
        "criteria": criteria,
        "outcome": outcome,
        "providers": outcome.page.object_list,
        "filters": filter_fields(form, outcome.facets),
        "active_filter_count": sum(1 for name in SELECT_FILTERS if criteria.get(name)),
        "more_filters_open": "sort" in request.GET
        or any(criteria.get(name) or form[name].errors for name in SELECT_FILTERS),
        "query_without_page": query_without_page(request),
    }
    if outcome.total == 0:
        resources = CrisisResource.objects.active().in_language(translation.get_language())
        context["crisis_resources"] = resources.exclude(phone="", text_number="")[:4]
    return render(request, "directory/search.html", context)


def query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def visible_providers(request):
    providers = Provider.objects.for_cards().prefetch_related("populations")
    return providers if request.user.is_staff else providers.published()


def profile(request, slug):
    provider = get_object_or_404(visible_providers(request), slug=slug)
    return render(
        request, "directory/profile.html", {"provider": provider, "json_ld": provider_json_ld(provider, request)}
    )


@same_origin_post
@require_http_methods(["GET", "POST"])
def report(request, slug):
    provider = get_object_or_404(visible_providers(request), slug=slug)
    form = ProblemReportForm(request.POST or None)
    subject = f"Problem reported with {provider.name}"
    if request.method == "POST" and form.is_valid() and accept_submission(request, form, subject, provider=provider):
        return redirect("directory:report_thanks", slug=provider.slug)
    return render(request, "directory/report.html", {"provider": provider, "form": form})


def report_thanks(request, slug):
    provider = get_object_or_404(Provider.objects.published(), slug=slug)
    return render(request, "directory/report_thanks.html", {"provider": provider})


@same_origin_post
@require_http_methods(["GET", "POST"])
def suggest(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = f"New listing suggestion: {form.cleaned_data['name']}"
        if accept_submission(request, form, subject):
            return redirect("directory:suggest_thanks")
    return render(request, "directory/suggest.html", {"form": form})


def suggest_thanks(request):
    return render(request, "directory/suggest_thanks.html")
