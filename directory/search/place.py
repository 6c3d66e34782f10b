"""A search at a place, read from the search entries in reach (decision 010)."""

from collections import Counter
from functools import cached_property

from django.db import connection

from ..geo import GreatCircleMiles, bounding_box
from ..models import (
    FACET_CODES,
    FACET_FLAGS,
    FACET_YES,
    KEY_BASE,
    Provider,
    SearchEntry,
    facet_key,
    facet_of_key,
    stale_cutoff,
)
from . import engine
from .engine import DirectorySearch


class PlaceSearch(DirectorySearch):
    """A search at a place, answered from the search entries in reach instead of the providers' own rows.

    The area is the entries within the radius (one index range on their coordinates) and, for telehealth,
    the entries of the place's state (another); both carry the provider's facet keys, so the filters, the
    option counts and the order by distance, name or verification are worked out from those index entries
    alone, never touching a provider or facet row. Results are the same as DirectorySearch's.
    """

    def __init__(self, criteria, term_ids=None, content_version=None):
        super().__init__(criteria, term_ids, content_version)
        self.wanted_keys = {name: facet_key(name, value) for name, value in self.wanted.items()}
        self.postgresql = connection.vendor == "postgresql"
        self.found_page = None  # ((start, stop), ids): the requested page, when the option counts found it

    def has_key(self, column):
        """SQL true when the facet list in `column` holds the key given as its one parameter."""
        if self.postgresql:
            return f"%s = ANY({column})"
        return f"EXISTS (SELECT 1 FROM JSON_EACH({column}) WHERE value = %s)"

    def entries(self, licensed=True, keys=()):
        """SQL and parameters for the entries in reach: (provider_id, distance, facets, name, last_verified).

        `licensed`: with the entries of telehealth providers licensed in the place's state (distance NULL).
        `keys`: only entries whose provider has every one of these facet keys.
        """
        sql, params = self.near_entries(keys)
        if licensed:
            licensed_sql, licensed_params = self.licensed_entries(keys)
            sql, params = f"{sql} UNION ALL {licensed_sql}", [*params, *licensed_params]
        return sql, params

    def near_entries(self, keys=()):
        """As entries(), for the entries within the radius alone."""
        place = self.place
        distance = GreatCircleMiles(place.latitude, place.longitude).sql("e.latitude", "e.longitude", connection)
        min_lat, max_lat, min_lng, max_lng = bounding_box(place.latitude, place.longitude, self.miles)
        conditions, params = self.entry_conditions(keys)
        sql = (
            f"SELECT {self.entry_columns(distance)} FROM {SearchEntry._meta.db_table} e "
            f"WHERE e.latitude BETWEEN %s AND %s AND e.longitude BETWEEN %s AND %s AND {distance} <= %s{conditions}"
        )
        return sql, [min_lat, max_lat, min_lng, max_lng, self.miles, *params]

    def licensed_entries(self, keys=()):
        """As entries(), for the entries of the telehealth providers licensed in the place's state alone."""
        conditions, params = self.entry_conditions(keys)
        sql = (
            f"SELECT {self.entry_columns('NULL')} FROM {SearchEntry._meta.db_table} e "
            f"WHERE e.licensed_state = %s{conditions}"
        )
        return sql, [self.place.state, *params]

    @staticmethod
    def entry_columns(distance):
        return f"e.provider_id, {distance} AS distance, e.facets, e.name, e.last_verified"

    def entry_conditions(self, keys):
        """SQL (after WHERE, each starting with AND) and parameters: the keyword, and each of the facet `keys`."""
        conditions, params = "", []
        if self.criteria.get("q"):
            keyword_sql, keyword_params = self.keyword_ids_sql
            conditions += f" AND e.provider_id IN ({keyword_sql})"
            params += keyword_params
        for key in keys:
            conditions += f" AND {self.has_key('e.facets')}"
            params.append(key)
        return conditions, params

    @cached_property
    def keyword_ids_sql(self):
        """SQL and parameters for the ids of providers matching the keyword (the area may read it twice)."""
        return Provider.objects.filter(self.keyword).order_by().values("pk").query.sql_with_params()

    def results_sql(self):
        """SQL and parameters for one row per result: (provider_id, distance, facets, name, last_verified)."""
        entries, params = self.entries(licensed="telehealth" in self.wanted, keys=self.wanted_keys.values())
        return self.one_per_provider(f"({entries}) r"), params

    def count_results(self, limit):
        sql, params = self.results_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) c", [*params, limit])
            return cursor.fetchone()[0]

    def order_by(self):
        """SQL and parameters ordering rows of (provider_id, distance, name, last_verified) as requested."""
        fresh_first = "CASE WHEN last_verified >= %s THEN 0 ELSE 1 END"
        orders = {
            "distance": f"{fresh_first}, distance IS NULL, distance, name, provider_id",
            "name": f"{fresh_first}, name, provider_id",
            # Newest verification first already puts every fresh listing above every stale one.
            "recent": "last_verified IS NULL, last_verified DESC, name, provider_id",
        }
        sort = self.criteria["sort"]
        return orders[sort], [] if sort == "recent" else [stale_cutoff().isoformat()]

    def ids_in_order(self, start, stop):
        # The paginator ends the last page at the last result, inside the window asked for.
        if self.found_page and self.found_page[0][0] == start and stop <= self.found_page[0][1]:
            return self.found_page[1][: stop - start]
        sql, params = self.results_sql()
        order, order_params = self.order_by()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT provider_id FROM ({sql}) r ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, *order_params, stop - start, start],
            )
            return [row[0] for row in cursor.fetchall()]

    def facet_counts(self):
        """As DirectorySearch.facet_counts, over the entries in reach; skipped past FACET_LIMIT entries.

        A wanted yes/no filter (telehealth, accepting) is a condition on the entries read, not a miss: a
        provider without that option counts for no option (the one it lacks is the filter's only one), so
        it need not be read. The area's size is that of the entries read.

        Without telehealth asked for, the entries in reach are those within the radius: providers licensed
        in the state but with no location near would appear only once telehealth is ticked, so they count
        for that option alone, from the state's entries without their facets being unpacked.
        """
        telehealth = "telehealth" in self.wanted
        flags = [key for name, key in self.wanted_keys.items() if name in FACET_FLAGS]
        entries, params = self.entries(licensed=telehealth, keys=flags)
        wanted = [(name, key) for name, key in self.wanted_keys.items() if name not in FACET_FLAGS]
        columns, column_params = [], []
        for index, (_, key) in enumerate(wanted):
            columns.append(f"CASE WHEN {self.has_key('g.facets')} THEN 0 ELSE 1 END AS m{index}")
            column_params.append(key)
        misses = " + ".join(f"m{index}" for index in range(len(wanted))) or "0"
        counted = f"SELECT key, COUNT(*) AS number FROM {self.counted_keys(wanted, misses)} GROUP BY 1"
        licensed_only, licensed_params = "", []
        if not telehealth:
            licensed, licensed_params = self.licensed_entries(keys=self.wanted_keys.values())
            licensed_only = (
                f"UNION ALL SELECT %s, COUNT(*), 0 FROM ({licensed}) l WHERE (SELECT size FROM n) <= %s "
                "AND NOT EXISTS (SELECT 1 FROM r WHERE r.provider_id = l.provider_id) "
            )
            licensed_params = [facet_key("telehealth", FACET_YES), *licensed_params, engine.FACET_LIMIT]
        order, order_params = self.order_by()
        start, stop = self.requested_window
        # Materialised in turn: the entries in reach (no more than one past the limit) and their number,
        # then each provider once with its misses, before any facet list is unpacked. The requested page
        # comes along (key -3, with its position), so the page needs no second pass over the area.
        sql = (
            f"WITH r AS MATERIALIZED ({entries} LIMIT %s), "
            "n AS MATERIALIZED (SELECT COUNT(*) AS size FROM r), "
            f"a AS MATERIALIZED (SELECT {', '.join(['g.*', *columns])} FROM ({self.one_per_provider('r')}) g "
            "WHERE (SELECT size FROM n) <= %s), "
            f"counted AS ({counted}) "
            f"SELECT key, number, 0 FROM counted {licensed_only}"
            "UNION ALL SELECT -1, size, 0 FROM n "
            f"UNION ALL SELECT -2, COUNT(*), 0 FROM a WHERE {misses} = 0 "
            f"UNION ALL SELECT -3, provider_id, ROW_NUMBER() OVER (ORDER BY {order}) "
            f"FROM (SELECT * FROM a WHERE {misses} = 0 ORDER BY {order} LIMIT %s OFFSET %s) page"
        )
        all_params = [
            *params,
            engine.FACET_LIMIT + 1,
            *column_params,
            engine.FACET_LIMIT,
            *licensed_params,
            *order_params,
            *order_params,
            stop - start,
            start,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, all_params)
            rows = cursor.fetchall()
        page = sorted((position, provider_id) for key, provider_id, position in rows if key == -3)
        numbers = Counter()
        for key, number, _ in rows:
            if key != -3:
                numbers[key] += number  # the telehealth option may come in two parts
        if numbers[-1] > engine.FACET_LIMIT:
            return None, None
        self.found_page = (self.requested_window, [provider_id for _, provider_id in page])
        options = [(*facet_of_key(key), number) for key, number in numbers.items() if key >= 0]
        return self.counts_by_option(options), numbers[-2]

    def one_per_provider(self, rows):
        """SQL keeping, of each provider's entries in `rows`, the nearest (all carry the same facets and name):
        (provider_id, distance, facets, name, last_verified)."""
        if self.postgresql:
            return f"SELECT DISTINCT ON (provider_id) * FROM {rows} ORDER BY provider_id, distance"
        # SQLite takes the other columns of a MIN() query from the row holding the minimum.
        return f"SELECT provider_id, MIN(distance) AS distance, facets, name, last_verified FROM {rows} GROUP BY 1"

    def counted_keys(self, wanted, misses):
        """SQL for a table `u` of the facet keys each provider in `a` counts for, one row each (`key`).

        A provider that misses no wanted filter counts for every option it has; one that misses exactly one
        counts only for that filter's options; one that misses more counts for none, and stays packed.
        """
        if not wanted:
            # Every provider counts for every option it has: no test for each key (which also lets the
            # planner see how many keys there are, and group them by hashing instead of sorting).
            return self.elements("", "TRUE")
        # Of a provider that misses one wanted filter, that filter's facet code (0 when it misses none).
        missed_code = " + ".join(f"m{index} * {FACET_CODES[name]}" for index, (name, _) in enumerate(wanted))
        keys = self.elements(f", {misses} AS misses, {missed_code} AS code", f"{misses} <= 1")
        return f"{keys} WHERE misses = 0 OR key / {KEY_BASE} = code"

    def elements(self, columns, condition):
        """SQL for a table `u` of the keys in the facet lists of `a`'s rows meeting `condition`, one row each
        (`key`), followed by `columns` (each after a comma) of the row they come from."""
        if self.postgresql:
            # In the select list, not as a lateral function scan, which would buffer each row's keys.
            return f"(SELECT UNNEST(facets) AS key{columns} FROM a WHERE {condition}) u"
        return f"(SELECT f.value AS key{columns} FROM a, JSON_EACH(a.facets) AS f WHERE {condition}) u"
