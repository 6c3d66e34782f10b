"""Directory search: filters, distance, facet counts and paging, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q

from .geo import bounding_box, great_circle_miles
from .models import AGE_FIELDS, PAYMENT_FIELDS, Location, Provider, Specialty

PER_PAGE = 10
M2M_FILTERS = {
    # parameter: (through model, column naming the term's slug)
    "level": (Provider.levels.through, "page__slug"),
    "therapy": (Provider.therapies.through, "page__slug"),
    "issue": (Provider.specialties.through, "specialty__slug"),
    "insurance": (Provider.insurers.through, "insurer__slug"),
    "language": (Provider.languages.through, "language__slug"),
}
FACETS = [*M2M_FILTERS, "age", "payment", "telehealth", "accepting"]


@dataclass
class SearchOutcome:
    page: object
    total: int
    facets: dict = field(default_factory=dict)
    page_message: str = ""


def distances_within(place, miles):
    """{provider id: (miles, location id)} for the nearest location of each published provider within reach."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(place.latitude, place.longitude, miles)
    candidates = Location.objects.filter(
        provider__status=Provider.Status.PUBLISHED,
        latitude__range=(min_lat, max_lat),
        longitude__range=(min_lng, max_lng),
    ).values_list("provider_id", "id", "latitude", "longitude")
    nearest = {}
    for provider_id, location_id, lat, lng in candidates:
        distance = great_circle_miles(place.latitude, place.longitude, lat, lng)
        if distance <= miles and distance < nearest.get(provider_id, (float("inf"),))[0]:
            nearest[provider_id] = (distance, location_id)
    return nearest


def keyword_filter(query):
    condition = Q()
    for word in query.split()[:8]:
        specialty_match = Provider.specialties.through.objects.filter(
            specialty__in=Specialty.objects.filter(name__icontains=word)
        )
        condition &= (
            Q(name__icontains=word) | Q(description__icontains=word) | Q(id__in=specialty_match.values("provider_id"))
        )
    return condition


class DirectorySearch:
    def __init__(self, criteria):
        self.criteria = criteria
        self.place = criteria.get("place")
        self.distances = distances_within(self.place, criteria["radius"]) if self.place else None

    def providers(self, leave_out=None):
        """Published providers matching every criterion except `leave_out` (for facet counts)."""
        c = self.criteria
        providers = Provider.objects.published()
        if c.get("q"):
            providers = providers.filter(keyword_filter(c["q"]))
        for name, (through, slug_column) in M2M_FILTERS.items():
            if c.get(name) and name != leave_out:
                matching = through.objects.filter(**{slug_column: c[name]}).values("provider_id")
                providers = providers.filter(id__in=matching)
        if c.get("age") and leave_out != "age":
            providers = providers.filter(**{AGE_FIELDS[c["age"]]: True})
        if c.get("payment") and leave_out != "payment":
            providers = providers.filter(**{PAYMENT_FIELDS[c["payment"]]: True})
        if c.get("accepting") and leave_out != "accepting":
            providers = providers.filter(accepting_new_clients=True)
        telehealth = c.get("telehealth") and leave_out != "telehealth"
        if self.place is not None:
            nearby = Q(id__in=list(self.distances))
            if telehealth:
                licensed_here = Q(telehealth_states__contains=self.place.state)
                providers = providers.filter(telehealth=True).filter(nearby | licensed_here)
            else:
                providers = providers.filter(nearby)
        elif telehealth:
            providers = providers.filter(telehealth=True)
        return providers

    def facet_counts(self):
        counts = {}
        for name, (through, slug_column) in M2M_FILTERS.items():
            rows = (
                through.objects.filter(provider__in=self.providers(leave_out=name))
                .values(slug_column)
                .annotate(n=Count("provider_id"))
            )
            counts[name] = {row[slug_column]: row["n"] for row in rows}
        for name, fields in [("age", AGE_FIELDS), ("payment", PAYMENT_FIELDS)]:
            totals = self.providers(leave_out=name).aggregate(
                **{value: Count("id", filter=Q(**{column: True})) for value, column in fields.items()}
            )
            counts[name] = totals
        counts["telehealth"] = self.providers(leave_out="telehealth").filter(telehealth=True).count()
        counts["accepting"] = self.providers(leave_out="accepting").filter(accepting_new_clients=True).count()
        return counts

    def ordered(self):
        """The matching providers in the requested order: fresh listings before ones not verified recently."""
        providers = self.providers().with_freshness()
        sort = self.criteria["sort"]
        if sort == "distance":
            rows = providers.values_list("id", "stale_rank", "name")
            far = (float("inf"),)
            rows = sorted(rows, key=lambda row: (row[1], self.distances.get(row[0], far)[0], row[2]))
            return [row[0] for row in rows]
        if sort == "recent":
            return providers.order_by("stale_rank", "-last_verified", "name").for_cards()
        return providers.order_by("stale_rank", "name").for_cards()

    def run(self, per_page=None):
        paginator = Paginator(self.ordered(), per_page or PER_PAGE)
        requested = self.criteria.get("page") or 1
        message = ""
        if requested > paginator.num_pages:
            message = (
                f"There {'is' if paginator.num_pages == 1 else 'are'} only {paginator.num_pages} "
                f"page{'s' if paginator.num_pages != 1 else ''} of results, so we are showing the last one."
            )
            requested = paginator.num_pages
        page = paginator.page(requested)
        if self.criteria["sort"] == "distance":
            by_id = Provider.objects.for_cards().in_bulk(list(page.object_list))
            page.object_list = [by_id[pk] for pk in page.object_list]
        else:
            page.object_list = list(page.object_list)
        for provider in page.object_list:
            provider.distance, provider.nearest_location = None, None
            if self.distances and provider.pk in self.distances:
                provider.distance, location_id = self.distances[provider.pk]
                provider.nearest_location = next(loc for loc in provider.locations.all() if loc.pk == location_id)
        return SearchOutcome(page=page, total=paginator.count, facets=self.facet_counts(), page_message=message)
