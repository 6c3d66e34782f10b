"""Directory search: filters, distance, ordering, counts and facet counts, all in the database.

The cost of a search follows the size of its answer, not of the table: results are counted up to
RESULT_CAP, pages are fetched with LIMIT/OFFSET, and the options' counts are worked out in one query
when the searched area holds at most FACET_LIMIT providers.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from pagecache.version import cached_for_version

from ..cards import result_cards
from ..geo import great_circle_miles
from ..models import (
    CHOICE_FILTERS,
    FACET_FLAGS,
    FACET_RELATIONS,
    FACET_YES,
    LICENSED_IN,
    Location,
    Provider,
    ProviderFacet,
    Specialty,
    fresh_listings,
)

PER_PAGE = 10
# Past this many results the page says "1,000+" and offers the first 1,000: nobody reads further, and
# counting every row of a national directory to say so would cost more than the search itself.
RESULT_CAP = 1000
# Counting every option's results is one query over the searched area; above this size it is skipped.
FACET_LIMIT = 5000


@dataclass
class SearchOutcome:
    page: object
    total: int
    capped: bool = False
    facets: dict | None = field(default_factory=dict)
    page_message: str = ""


def keyword_filter(query):
    """Providers whose name, description or an issue they treat contains every word.

    A word in no issue's name is a plain OR of two text matches, which PostgreSQL serves from its two
    trigram indexes together, or while walking the name index for a page in name order. A word that names
    an issue is a union with that issue's providers, so the text matches keep their indexes.
    """
    condition = Q()
    for word in query.split()[:8]:
        in_text = Q(name__icontains=word) | Q(description__icontains=word)
        issues = list(Specialty.objects.filter(name__icontains=word).values_list("pk", flat=True))
        if issues:
            by_text = Provider.objects.filter(in_text).order_by().values("pk")
            by_issue = Provider.specialties.through.objects.filter(specialty__in=issues).values("provider_id")
            condition &= Q(pk__in=by_text.union(by_issue.order_by()))
        else:
            condition &= in_text
    return condition


def has_facet(name, value):
    return Exists(ProviderFacet.objects.filter(provider=OuterRef("pk"), name=name, value=value))


class OrderedResults:
    """The matching providers in the requested order, sliced by the paginator, counted up to RESULT_CAP."""

    def __init__(self, search, total=None):
        self.search = search
        self._count = total  # known already when the option counts were worked out

    def count(self):
        if self._count is None:
            self._count = self.search.count_results(RESULT_CAP + 1)
        return min(self._count, RESULT_CAP)

    @property
    def capped(self):
        return self.count() == RESULT_CAP and self._count > RESULT_CAP

    def __getitem__(self, window):
        return result_cards(self.search.ids_in_order(window.start, window.stop))


def published_beyond_facet_limit(content_version=None):
    """Whether more than FACET_LIMIT providers are published: kept under the site's content version (which
    publishing, hiding or deleting a provider bumps), so a search over the whole directory need not find out
    again each time that it is too large to count its options."""
    return cached_for_version(
        f"directory:published-beyond:{FACET_LIMIT}",
        content_version,
        lambda: Provider.objects.published().order_by()[: FACET_LIMIT + 1].count() > FACET_LIMIT,
    )


class DirectorySearch:
    def __init__(self, criteria, term_ids=None, content_version=None):
        self.criteria = criteria
        self.place = criteria.get("place")
        self.miles = criteria.get("radius") or 25
        self.term_ids = term_ids or {}
        self.content_version = content_version
        self.wanted = self.wanted_facets()
        self.requested_window = (0, PER_PAGE)  # run() sets the page's

    def wanted_facets(self):
        """{facet name: value} for every filter the search uses."""
        c, term_ids = self.criteria, self.term_ids
        wanted = {}
        for name in FACET_RELATIONS:
            if c.get(name) and c[name] in term_ids.get(name, {}):
                wanted[name] = str(term_ids[name][c[name]])
        for name in CHOICE_FILTERS:
            if c.get(name):
                wanted[name] = c[name]
        for name in FACET_FLAGS:
            if c.get(name):
                wanted[name] = FACET_YES
        return wanted

    @cached_property
    def keyword(self):
        return keyword_filter(self.criteria["q"]) if self.criteria.get("q") else Q()

    def matching_keyword(self):
        return Provider.objects.published().filter(self.keyword)

    def nearby_ids(self):
        return Location.objects.within(self.place, self.miles).values("provider_id")

    def reachable_ids(self):
        """Ids of providers near the place, or offering telehealth and licensed in its state."""
        licensed_here = ProviderFacet.objects.filter(name=LICENSED_IN, value=self.place.state)
        return self.nearby_ids().order_by().union(licensed_here.values("provider_id").order_by())

    def area(self):
        """Published providers in the searched area and matching the keyword, before the other filters.

        With a place, telehealth providers licensed in its state belong to the area too: they match only
        when telehealth is asked for.
        """
        providers = self.matching_keyword()
        if self.place is None:
            return providers
        return providers.filter(pk__in=self.reachable_ids())

    def results(self):
        """The matching providers, unordered: built once per search (each filter's subquery takes a while to
        build), then narrowed, ordered and sliced by the methods below."""
        return self.matching_providers

    @cached_property
    def matching_providers(self):
        providers = self.matching_keyword()
        if self.place is not None:
            reach = self.reachable_ids() if "telehealth" in self.wanted else self.nearby_ids()
            providers = providers.filter(pk__in=reach)
        for name, value in self.wanted.items():
            providers = providers.filter(has_facet(name, value))
        return providers

    def count_results(self, limit):
        """How many results there are, counting no further than `limit`."""
        return self.results().order_by().values("pk")[:limit].count()

    def ids_in_order(self, start, stop):
        """Ids of the results from `start` to `stop` in the requested order; fresh listings first."""
        results, sort = self.results(), self.criteria["sort"]
        if sort == "recent":
            # Newest verification first puts every fresh listing above every stale one; flagged ones go last.
            ordered = results.order_by("problem_reported", F("last_verified").desc(nulls_last=True), "name", "pk")
            return list(ordered.values_list("pk", flat=True)[start:stop])
        if sort == "distance":
            ordered = results.with_freshness().with_distance(self.place, self.miles)
            ordered = ordered.order_by("stale_rank", F("distance").asc(nulls_last=True), "name", "pk")
            return list(ordered.values_list("pk", flat=True)[start:stop])
        # By name: fresh and stale listings are two runs that an index on name can each serve.
        fresh = results.filter(fresh_listings()).order_by("name", "pk").values_list("pk", flat=True)
        ids = list(fresh[start:stop])
        if len(ids) < stop - start:
            stale = results.exclude(fresh_listings()).order_by("name", "pk").values_list("pk", flat=True)
            fresh_total = start + len(ids) if ids else fresh.count()
            skip = max(0, start - fresh_total)
            ids += list(stale[skip : skip + (stop - start - len(ids))])
        return ids

    def facet_counts(self):
        """Each option's count, and the number of results: (counts, total), or (None, None) past FACET_LIMIT.

        An option's count is the results the search would give with that option chosen instead. One query:
        a provider in the area that misses no wanted filter counts for every value it has, and is a result;
        one that misses exactly one counts only for that filter's values. The same query finds how large
        the area is first, and does no more when it holds over FACET_LIMIT providers. Without a place or a
        keyword the area is the whole directory, whose size is known already.
        """
        if self.place is None and not self.criteria.get("q") and published_beyond_facet_limit(self.content_version):
            return self.past_facet_limit()
        area_sql, area_params = self.area().order_by().values("id")[: FACET_LIMIT + 1].query.sql_with_params()
        facets = ProviderFacet._meta.db_table
        wanted = list(self.wanted.items())
        columns, column_params = [], []
        for index, (name, value) in enumerate(wanted):
            columns.append(
                f"CASE WHEN EXISTS (SELECT 1 FROM {facets} w WHERE w.provider_id = ids.id "
                f"AND w.name = %s AND w.value = %s) THEN 1 ELSE 0 END AS m{index}"
            )
            column_params += [name, value]
        if self.place is not None:
            near_sql, near_params = self.nearby_ids().order_by().query.sql_with_params()
            columns.append(f"CASE WHEN ids.id IN ({near_sql}) THEN 1 ELSE 0 END AS near")
            column_params += near_params
        misses = " + ".join(f"(1 - a.m{index})" for index in range(len(wanted))) or "0"
        clauses, params = [], []
        if wanted:
            clauses.append(f"(f.name NOT IN ({', '.join(['%s'] * len(wanted))}) AND {misses} = 0)")
            params += [name for name, _ in wanted]
            for index, (name, _) in enumerate(wanted):
                clauses.append(f"(f.name = %s AND {misses} - (1 - a.m{index}) = 0)")
                params.append(name)
        else:
            clauses.append("1 = 1")
        condition = f"f.name <> %s AND ({' OR '.join(clauses)})"
        params.insert(0, LICENSED_IN)
        is_result = f"{misses} = 0"
        if self.place is not None and "telehealth" not in self.wanted:
            # Licensed-only telehealth providers would appear only once telehealth is ticked.
            condition = f"({condition}) AND (a.near = 1 OR f.name = %s)"
            params.append("telehealth")
            is_result += " AND a.near = 1"
        # Materialised in turn, so the database finds the (small) area, then tests each wanted filter once
        # per provider in it, before touching any facet rows.
        sql = (
            f"WITH ids AS MATERIALIZED ({area_sql}), "
            f"a AS MATERIALIZED (SELECT {', '.join(['ids.id', *columns])} FROM ids "
            f"WHERE (SELECT COUNT(*) FROM ids) <= %s) "
            f"SELECT f.name, f.value, COUNT(*) FROM a JOIN {facets} f ON f.provider_id = a.id "
            f"WHERE {condition} GROUP BY f.name, f.value "
            f"UNION ALL SELECT %s, %s, COUNT(*) FROM ids "
            f"UNION ALL SELECT %s, %s, COUNT(*) FROM a WHERE {is_result}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*area_params, *column_params, FACET_LIMIT, *params, "", "area", "", "results"])
            rows = cursor.fetchall()
        sizes = {value: number for name, value, number in rows if name == ""}
        if sizes["area"] > FACET_LIMIT:
            return self.past_facet_limit()
        return self.counts_by_option([row for row in rows if row[0] != ""]), sizes["results"]

    def past_facet_limit(self):
        """(None, total) for an area of more than FACET_LIMIT providers. With no filter and no place its
        results are that area, so there are more than RESULT_CAP of them without counting again; otherwise
        the total is left to be counted (None)."""
        if not self.wanted and self.place is None and FACET_LIMIT >= RESULT_CAP:
            return None, FACET_LIMIT + 1
        return None, None

    def counts_by_option(self, rows):
        """Rows of (facet, value, count) as the form's options see them: slugs, choice values, or a number."""
        counts = {name: {} for name in [*FACET_RELATIONS, *CHOICE_FILTERS]}
        counts.update({name: 0 for name in FACET_FLAGS})
        slugs = {name: {str(pk): slug for slug, pk in ids.items()} for name, ids in self.term_ids.items()}
        for name, value, number in rows:
            if name in FACET_FLAGS:
                counts[name] = number
            elif name in FACET_RELATIONS:
                if value in slugs.get(name, {}):
                    counts[name][slugs[name][value]] = number
            else:
                counts[name][value] = number
        return counts

    def run(self, per_page=None):
        per_page = per_page or PER_PAGE
        requested = self.criteria.get("page") or 1
        # The results the page asked for, which a search may find while counting options.
        self.requested_window = ((requested - 1) * per_page, requested * per_page)
        facets, total = self.facet_counts()
        results = OrderedResults(self, total)
        paginator = Paginator(results, per_page, allow_empty_first_page=True)
        message = ""
        if requested > paginator.num_pages:
            if results.capped:
                message = (
                    f"We show the first {RESULT_CAP:,} results, so we are showing the last page of those. "
                    "Add a place or a filter to narrow the search."
                )
            else:
                message = (
                    f"There {'is' if paginator.num_pages == 1 else 'are'} only {paginator.num_pages} "
                    f"page{'s' if paginator.num_pages != 1 else ''} of results, so we are showing the last one."
                )
            requested = paginator.num_pages
        page = paginator.page(requested)
        self.mark_distances(page.object_list)
        return SearchOutcome(
            page=page,
            total=paginator.count,
            capped=results.capped,
            facets=facets,
            page_message=message,
        )

    def mark_distances(self, providers):
        """Each shown provider's nearest location within reach, worked out from the locations on its card."""
        for provider in providers:
            provider.distance, provider.nearest_location = None, None
            if self.place is None:
                continue
            reachable = [
                (great_circle_miles(self.place.latitude, self.place.longitude, loc.latitude, loc.longitude), loc)
                for loc in provider.card["locations"]
            ]
            reachable = [(miles, loc) for miles, loc in reachable if miles <= self.miles]
            if reachable:
                provider.distance, provider.nearest_location = min(reachable, key=lambda pair: pair[0])
