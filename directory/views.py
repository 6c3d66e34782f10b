from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from crisis.models import CrisisResource

from .decorators import same_origin_post
from .forms import DirectorySearchForm, ProblemReportForm, SuggestionForm
from .models import ProblemReport, Provider, Suggestion, hash_address
from .presenters import SELECT_FILTERS, filter_fields, provider_json_ld
from .search import DirectorySearch
from .services import admin_change_path, notify_after_commit

RATE_LIMIT_MESSAGE = (
    "You have sent several forms in the last hour, so we cannot take another just now. "
    "Your answers are still here: please try again later."
)


def search(request):
    form = DirectorySearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    criteria = form.criteria() if form.is_bound else {"place": None, "radius": 25, "sort": "name", "page": 1}
    outcome = DirectorySearch(criteria).run()
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
        context["crisis_resources"] = CrisisResource.objects.active().exclude(phone="", text_number="")[:4]
    return render(request, "directory/search.html", context)


def query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def over_rate_limit(model, address_hash):
    return model.objects.recent_from(address_hash).count() >= settings.SUBMISSION_RATE_LIMIT


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
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            return redirect("directory:report_thanks", slug=provider.slug)
        address_hash = hash_address(request.META.get("REMOTE_ADDR"))
        if over_rate_limit(ProblemReport, address_hash):
            form.add_error(None, RATE_LIMIT_MESSAGE)
        else:
            with transaction.atomic():
                report = form.save(commit=False)
                report.provider, report.address_hash = provider, address_hash
                report.save()
                notify_after_commit(f"Problem reported with {provider.name}", admin_change_path(report))
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
        if form.is_spam():
            return redirect("directory:suggest_thanks")
        address_hash = hash_address(request.META.get("REMOTE_ADDR"))
        if over_rate_limit(Suggestion, address_hash):
            form.add_error(None, RATE_LIMIT_MESSAGE)
        else:
            with transaction.atomic():
                suggestion = form.save(commit=False)
                suggestion.address_hash = address_hash
                suggestion.save()
                notify_after_commit(f"New listing suggestion: {suggestion.name}", admin_change_path(suggestion))
            return redirect("directory:suggest_thanks")
    return render(request, "directory/suggest.html", {"form": form})


def suggest_thanks(request):
    return render(request, "directory/suggest_thanks.html")
