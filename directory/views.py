import logging

from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from crisis.models import CrisisResource
from pagecache.version import content_version

from .decorators import same_origin_post, unlisted
from .forms import DirectorySearchForm, NewLinkForm, ProblemReportForm, SuggestionForm, listing_change_forms
from .models import LinkProblem, Provider, VerificationRequest
from .presenters import SELECT_FILTERS, cards_for, filter_fields, provider_json_ld
from .search import search_for
from .services import (
    RATE_LIMIT_MESSAGE,
    accept_submission,
    confirm_listing,
    send_link_if_listed,
    send_listing_change,
)

logger = logging.getLogger(__name__)

DATABASE_DOWN_MESSAGE = (
    "We could not save this just now. Your answers are still here — please try again in a few minutes. "
    "If you need help now, call or text 988."
)


def search(request):
    version = content_version(request)
    form = DirectorySearchForm(request.GET or None, content_version=version)
    if form.is_bound:
        form.is_valid()
    criteria = form.criteria() if form.is_bound else {"place": None, "radius": 25, "sort": "name", "page": 1}
    outcome = search_for(criteria, term_ids=form.term_ids, content_version=version).run()
    context = {
        "form": form,
        "criteria": criteria,
        "outcome": outcome,
        "providers": outcome.page.object_list,
        "cards": cards_for(outcome.page.object_list),
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
    providers = Provider.objects.for_profile()
    return providers if request.user.is_staff else providers.published()


def profile(request, slug):
    provider = get_object_or_404(visible_providers(request), slug=slug)
    return render(
        request, "directory/profile.html", {"provider": provider, "json_ld": provider_json_ld(provider, request)}
    )


def database_down(request, template, context):
    """The form again, with everything the visitor typed and a message, when the database fails."""
    logger.exception("Database unavailable while saving a visitor's form")
    context["form"].add_error(None, DATABASE_DOWN_MESSAGE)
    return render(request, template, {**context, "database_down": True}, status=503)


@never_cache
@same_origin_post
@require_http_methods(["GET", "POST"])
def report(request, slug):
    form = ProblemReportForm(request.POST or None)
    context = {"form": form, "slug": slug, "provider": None}
    try:
        provider = context["provider"] = get_object_or_404(visible_providers(request), slug=slug)
        subject = f"Problem reported with {provider.name}"
        posted = request.method == "POST" and form.is_valid()
        if posted and accept_submission(request, form, subject, provider=provider):
            return redirect("directory:report_thanks", slug=provider.slug)
    except DatabaseError:
        return database_down(request, "directory/report.html", context)
    return render(request, "directory/report.html", context)


@never_cache
def report_thanks(request, slug):
    provider = get_object_or_404(Provider.objects.published(), slug=slug)
    return render(request, "directory/report_thanks.html", {"provider": provider})


@never_cache
@same_origin_post
@require_http_methods(["GET", "POST"])
def suggest(request):
    form = SuggestionForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            subject = f"New listing suggestion: {form.cleaned_data['name']}"
            if accept_submission(request, form, subject):
                return redirect("directory:suggest_thanks")
    except DatabaseError:
        return database_down(request, "directory/suggest.html", {"form": form})
    return render(request, "directory/suggest.html", {"form": form})


@never_cache
def suggest_thanks(request):
    return render(request, "directory/suggest_thanks.html")


# Confirm-your-listing links (decision 013): pages for the provider holding the link, never cached or indexed.

NOTHING_CHANGED = _(
    "Nothing here differs from the listing. If everything is right, go back and choose 'Everything is correct'."
)


LINK_PROBLEM_STATUS = {
    LinkProblem.ALTERED: 400,
    LinkProblem.UNKNOWN: 404,
    LinkProblem.USED: 410,
    LinkProblem.EXPIRED: 410,
}


def link_problem(request, verification, problem):
    provider = verification.provider if verification else None
    context = {"problem": problem, "provider": provider if provider and provider.status == "published" else None}
    return render(request, "directory/link_problem.html", context, status=LINK_PROBLEM_STATUS[problem])


@unlisted
@same_origin_post
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    verification, problem = VerificationRequest.objects.open_link(token)
    if problem:
        return link_problem(request, verification, problem)
    provider = Provider.objects.for_profile().get(pk=verification.provider_id)
    if request.method == "POST":
        if not confirm_listing(verification):
            return link_problem(request, verification, LinkProblem.USED)
        return redirect("directory:confirmed", slug=provider.slug)
    return render(request, "directory/confirm.html", {"provider": provider, "token": token})


@unlisted
@same_origin_post
@require_http_methods(["GET", "POST"])
def confirm_changes(request, token):
    verification, problem = VerificationRequest.objects.open_link(token)
    if problem:
        return link_problem(request, verification, problem)
    provider = Provider.objects.for_profile().get(pk=verification.provider_id)
    form, location_form = listing_change_forms(provider, request.POST if request.method == "POST" else None)
    forms = [form, location_form] if location_form else [form]
    context = {"provider": provider, "token": token, "form": form, "location_form": location_form, "forms": forms}
    if request.method == "POST" and form.is_valid() and (location_form is None or location_form.is_valid()):
        changed = form.changed_values() or (location_form and location_form.changed_values())
        if not changed and not form.cleaned_data["note"]:
            form.add_error(None, NOTHING_CHANGED)
        elif send_listing_change(verification, form, location_form) is None:
            return link_problem(request, verification, LinkProblem.USED)
        else:
            return redirect("directory:changes_sent", slug=provider.slug)
    return render(request, "directory/confirm_changes.html", context)


@unlisted
def confirmed(request, slug):
    return render(request, "directory/confirmed.html", {"provider": published_or_none(slug)})


@unlisted
def changes_sent(request, slug):
    return render(request, "directory/changes_sent.html", {"provider": published_or_none(slug)})


def published_or_none(slug):
    # A hidden listing's provider can confirm it too; the thanks page then names nothing.
    return Provider.objects.published().filter(slug=slug).first()


@unlisted
@same_origin_post
@require_http_methods(["GET", "POST"])
def new_link(request, slug):
    provider = get_object_or_404(Provider.objects.published(), slug=slug)
    form = NewLinkForm(request.POST or None)
    context = {"form": form, "provider": provider}
    try:
        if request.method == "POST" and form.is_valid():
            if form.is_spam() or send_link_if_listed(request, provider, form.cleaned_data["email"]):
                return redirect("directory:new_link_sent", slug=provider.slug)
            form.add_error(None, RATE_LIMIT_MESSAGE)
    except DatabaseError:
        return database_down(request, "directory/new_link.html", context)
    return render(request, "directory/new_link.html", context)


@unlisted
def new_link_sent(request, slug):
    provider = get_object_or_404(Provider.objects.published(), slug=slug)
    context = {"provider": provider, "days": settings.VERIFICATION_LINK_DAYS}
    return render(request, "directory/new_link_sent.html", context)
