"""The read-only Open Referral HSDS 3.0 API under /api/hsds/ (described by /api/hsds/openapi.json).

Published listings only; JSON everywhere, errors included; every query string goes through a
form, and a bad one gets a 400 that says what is wrong. Lists take a fixed number of queries
whatever the page size: a count, the page, and one query per prefetched relation.
"""

import math
from datetime import UTC
from functools import wraps

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse

from content.forms import clean_text
from directory.geo import locate
from directory.models import CHOICE_FILTERS, FACET_RELATIONS, Provider
from directory.search import DirectorySearch

from .hsds import (
    all_terms,
    derived_id,
    for_export,
    location_to_hsds,
    location_to_link,
    locations_with_id,
    provider_to_organization,
    provider_to_service,
    provider_to_summary,
    published_locations,
    taxonomy,
    virtual_location,
    with_id,
)
from .openapi import MAX_MILES, MAX_PER_PAGE, openapi_document

DEFAULT_PER_PAGE = 50
DEFAULT_MILES = 25
CACHE_CONTROL = "public, max-age=300"
# Term groups that are flags on the provider: {group: {value: field}}.
FLAG_GROUPS = {
    **{group: fields for group, (_, fields) in CHOICE_FILTERS.items()},
    "feature": {"telehealth": "telehealth", "in_person": "in_person", "accepting": "accepting_new_clients"},
}
M2M_GROUPS = {"level": "level", "therapy": "therapy", "issue": "issue", "insurance": "insurance"}


def error(status, message, fields=None):
    body = {"error": message}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status)


def api_view(view):
    """GET only, JSON errors, cacheable by anyone (the data is public and the same for everyone)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error(405, f"{request.method} is not allowed: this API is read-only.")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            response = view(request, *args, **kwargs)
        except Http404 as missing:
            return error(404, str(missing) or "Not found.")
        if response.status_code == 200:
            response["Cache-Control"] = CACHE_CONTROL
            # Open data: any web page may read it (no cookies or credentials are involved).
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def invalid(form):
    fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    summary = " ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
    return error(400, f"Invalid parameters. {summary}", fields)


# Forms


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE)
    search = forms.CharField(required=False, max_length=200)

    def clean_page(self):
        return self.cleaned_data["page"] or 1

    def clean_per_page(self):
        return self.cleaned_data["per_page"] or DEFAULT_PER_PAGE

    def clean_search(self):
        return clean_text(self.cleaned_data["search"])


class ServiceFilterForm(PageForm):
    taxonomy_term_id = forms.CharField(required=False, max_length=100)
    organization_id = forms.UUIDField(required=False)
    modified_after = forms.DateTimeField(required=False)
    postcode = forms.CharField(required=False, max_length=10)
    proximity = forms.FloatField(required=False, min_value=0, max_value=MAX_MILES)

    def clean_taxonomy_term_id(self):
        wanted = self.cleaned_data["taxonomy_term_id"].strip()
        if not wanted:
            return None
        for term in all_terms():
            if wanted.lower() in (term["id"], term["code"]):
                return term["code"]
        raise ValidationError("No taxonomy term has this id or code. The terms are listed at /api/hsds/taxonomy_terms.")

    def clean_modified_after(self):
        moment = self.cleaned_data["modified_after"]
        if moment is None:
            return None
        # In UTC: PostgreSQL refuses offsets beyond 15:59 that ISO 8601 allows.
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError("That time is out of range.") from None

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode:
            self.place = locate(postcode[:5]) if postcode[:5].isdigit() and len(postcode) in (5, 10) else None
            if self.place is None:
                raise ValidationError("Unknown US ZIP code: give five digits, like 60601.")
        return postcode

    def clean(self):
        data = super().clean()
        if data.get("proximity") is not None and not data.get("postcode"):
            self.add_error("proximity", "Give a postcode (a US ZIP code) to measure the distance from.")
        if data.get("proximity") == 0:
            self.add_error("proximity", "The distance must be more than 0 miles.")
        return data

    def providers(self):
        """Published providers matching the filters; distance uses the directory search's own logic."""
        data = self.cleaned_data
        criteria = {"q": data["search"], "sort": "name", "place": None}
        if data.get("postcode"):
            criteria.update(place=self.place, radius=data.get("proximity") or DEFAULT_MILES)
        providers = DirectorySearch(criteria).results()
        if data.get("taxonomy_term_id"):
            providers = providers.filter(term_filter(data["taxonomy_term_id"]))
        if data.get("organization_id"):
            providers = with_id(providers, derived_id(str(data["organization_id"]), "organization"))
        if data.get("modified_after"):
            providers = providers.filter(updated_at__gte=data["modified_after"])
        return providers


# The directory's many-to-many filters: (through model, its column naming the term's slug).
M2M_FILTERS = {
    name: (
        Provider._meta.get_field(relation).remote_field.through,
        f"{Provider._meta.get_field(relation).m2m_reverse_field_name()}__slug",
    )
    for name, relation in FACET_RELATIONS.items()
}


def term_filter(code):
    """A condition on providers for one of our taxonomy terms; a group's own term matches any of its terms."""
    group, _, value = code.partition(":")
    if group == "kind":
        return Q(kind=value) if value else Q()
    if group in FLAG_GROUPS:
        fields = FLAG_GROUPS[group]
        if value:
            return Q(**{fields[value]: True})
        condition = Q()
        for field in fields.values():
            condition |= Q(**{field: True})
        return condition
    through, slug_column = M2M_FILTERS[M2M_GROUPS[group]]
    links = through.objects.filter(**{slug_column: value}) if value else through.objects.all()
    return Q(id__in=links.values("provider_id"))


def page_envelope(records, page, per_page, to_json):
    """HSDS's page envelope around one page of a queryset (or of a short list)."""
    total = len(records) if isinstance(records, list) else records.count()
    total_pages = max(1, math.ceil(total / per_page))
    items = list(records[(page - 1) * per_page : page * per_page]) if page <= total_pages else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not items,
        "contents": [to_json(item) for item in items],
    }


# Views


@api_view
def root(request):
    return JsonResponse({"version": "3.0", "openapi_url": request.build_absolute_uri(reverse("hsds:openapi"))})


@api_view
def openapi(request):
    server = request.build_absolute_uri(reverse("hsds:root")).rstrip("/")
    return JsonResponse(openapi_document(server))


def service_summary(provider):
    return {**provider_to_summary(provider), "organization": provider_to_organization(provider)}


@api_view
def services(request):
    form = ServiceFilterForm(request.GET)
    if not form.is_valid():
        return invalid(form)
    providers = form.providers().order_by("name", "pk").prefetch_related("credentials")
    data = form.cleaned_data
    return JsonResponse(page_envelope(providers, data["page"], data["per_page"], service_summary))


def published_provider(hsds_id, what="service"):
    provider = for_export(with_id(Provider.objects.published(), hsds_id)).first()
    if provider is None:
        raise Http404(f"No published {what} has this id.")
    return provider


@api_view
def service(request, id):
    return JsonResponse(provider_to_service(published_provider(id)))


@api_view
def organizations(request):
    form = PageForm(request.GET)
    if not form.is_valid():
        return invalid(form)
    data = form.cleaned_data
    providers = DirectorySearch({"q": data["search"], "sort": "name", "place": None}).results().order_by("name", "pk")
    return JsonResponse(page_envelope(providers, data["page"], data["per_page"], provider_to_organization))


@api_view
def organization(request, id):
    try:
        service_id = derived_id(id, "organization")
    except ValueError:
        raise Http404("No published organization has this id.") from None
    provider = published_provider(service_id, "organization")
    document = provider_to_organization(provider)
    document["locations"] = [location_to_hsds(location, provider) for location in provider.locations.all()]
    if not document["locations"] and provider.telehealth:
        document["locations"] = [virtual_location(provider)]
    document["services"] = [provider_to_summary(provider)]
    return JsonResponse(document)


@api_view
def service_at_locations(request):
    form = ServiceFilterForm(request.GET)
    if not form.is_valid():
        return invalid(form)
    data = form.cleaned_data
    locations = (
        published_locations()
        .filter(provider__in=form.providers())
        .select_related("provider")
        .prefetch_related("provider__credentials")
        .order_by("provider__name", "pk")
    )
    return JsonResponse(page_envelope(locations, data["page"], data["per_page"], location_to_link))


@api_view
def location(request, id):
    place = locations_with_id(published_locations().select_related("provider"), id).first()
    if place is not None:
        return JsonResponse(location_to_hsds(place, place.provider))
    try:
        service_id = derived_id(id, "virtual_location")
    except ValueError:
        raise Http404("No published location has this id.") from None
    provider = with_id(Provider.objects.published().filter(telehealth=True, locations__isnull=True), service_id).first()
    if provider is None:
        raise Http404("No published location has this id.")
    return JsonResponse(virtual_location(provider))


def term_with_detail(term):
    return {**term, "taxonomy_detail": taxonomy()}


@api_view
def taxonomy_terms(request):
    form = PageForm(request.GET)
    if not form.is_valid():
        return invalid(form)
    data = form.cleaned_data
    words = data["search"].lower().split()
    # A few dozen terms, built from small tables: paged here rather than in the database.
    terms = [term for term in all_terms() if all(word in term["name"].lower() for word in words)]
    return JsonResponse(page_envelope(terms, data["page"], data["per_page"], term_with_detail))


@api_view
def taxonomy_term(request, id):
    for term in all_terms():
        if term["id"] == id.lower():
            return JsonResponse(term_with_detail(term))
    raise Http404("No taxonomy term has this id.")
