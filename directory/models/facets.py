"""Search facets and entries: what a search filters, counts and orders on (decision 010)."""

import json

from django.apps import apps
from django.db import connection, models

from .choices import CHOICE_FILTERS

# The directory's filters as facets: a filter name, and the value a provider must have to match it.
FACET_RELATIONS = {
    "level": "levels",
    "therapy": "therapies",
    "issue": "specialties",
    "insurance": "insurers",
    "language": "languages",
}
FACET_FLAGS = {"telehealth": "telehealth", "accepting": "accepting_new_clients"}
FACET_YES = "yes"


def facet_flags():
    """(facet name, value, boolean column) for every filter that is a yes/no field of Provider."""
    flags = [(name, FACET_YES, column) for name, column in FACET_FLAGS.items()]
    for name, (_, fields) in CHOICE_FILTERS.items():
        flags += [(name, option, column) for option, column in fields.items()]
    return flags


# The provider fields its facets and search entries are made from: updating one refreshes them.
SEARCHED_FIELDS = {
    "status",
    "name",
    "last_verified",
    "problem_reported",
    "telehealth_states",
    *(column for _, _, column in facet_flags()),
}

# Not a filter of its own: the states a telehealth provider is licensed in, so a place's state finds them.
# Written for providers offering telehealth only, so these rows alone say "reachable online from here".
LICENSED_IN = "licensed"

# Each facet as one integer (a search entry's facets are a list of them): the facet's code times KEY_BASE,
# plus the term's id, or the option's number for the fixed choices.
KEY_BASE = 10_000_000
FACET_CODES = {
    "level": 1,
    "therapy": 2,
    "issue": 3,
    "insurance": 4,
    "language": 5,
    "age": 6,
    "payment": 7,
    "telehealth": 8,
    "accepting": 9,
    "crisis": 10,
}
OPTION_NUMBERS = {
    **{
        name: {option: number for number, (option, _) in enumerate(choices, start=1)}
        for name, (choices, _) in CHOICE_FILTERS.items()
    },
    "telehealth": {FACET_YES: 1},
    "accepting": {FACET_YES: 1},
}


def facet_key(name, value):
    number = int(value) if name in FACET_RELATIONS else OPTION_NUMBERS[name][value]
    return FACET_CODES[name] * KEY_BASE + number


def facet_of_key(key):
    """(facet name, value) for a key: the inverse of facet_key()."""
    code, number = divmod(key, KEY_BASE)
    name = next(name for name, facet_code in FACET_CODES.items() if facet_code == code)
    if name in FACET_RELATIONS:
        return name, str(number)
    return name, next(value for value, option in OPTION_NUMBERS[name].items() if option == number)


def facet_key_sql(alias):
    """SQL computing facet_key() from a ProviderFacet row, and its parameters."""
    whens, params = [], []
    for name, code in FACET_CODES.items():
        if name in FACET_RELATIONS:
            whens.append(f"WHEN %s THEN %s + CAST({alias}.value AS INTEGER)")
            params += [name, code * KEY_BASE]
        else:
            options = " ".join("WHEN %s THEN %s" for _ in OPTION_NUMBERS[name])
            whens.append(f"WHEN %s THEN CASE {alias}.value {options} END")
            params.append(name)
            for value, number in OPTION_NUMBERS[name].items():
                params += [value, code * KEY_BASE + number]
    return f"CASE {alias}.name {' '.join(whens)} END", params


def write_search_entries(ids_sql, ids_params):
    """Insert the search entries of the published providers among `ids_sql`: one per location, one per state
    a telehealth provider is licensed in, each with the provider's facet keys."""
    key_sql, key_params = facet_key_sql("f")
    postgresql = connection.vendor == "postgresql"
    keys = f"ARRAY_AGG({key_sql} ORDER BY f.name, f.value)" if postgresql else f"JSON_GROUP_ARRAY({key_sql})"
    no_keys = "CAST('{}' AS INTEGER[])" if postgresql else "'[]'"
    # Looked up by name: providers.py imports this module, so it cannot import Provider back.
    Provider, Location = apps.get_model("directory", "Provider"), apps.get_model("directory", "Location")
    provider, facet = Provider._meta.db_table, ProviderFacet._meta.db_table
    entry, location = SearchEntry._meta.db_table, Location._meta.db_table
    published = f"p.status = %s AND p.id IN ({ids_sql})"
    # A listing readers flagged sorts as one never verified, below every verified listing.
    verified = "CASE WHEN p.problem_reported THEN NULL ELSE p.last_verified END"
    sql = (
        f"WITH keys AS (SELECT f.provider_id, {keys} AS facets FROM {facet} f "
        f"WHERE f.name <> %s AND f.provider_id IN ({ids_sql}) GROUP BY f.provider_id) "
        f"INSERT INTO {entry} (provider_id, latitude, longitude, licensed_state, name, last_verified, facets) "
        f"SELECT p.id, l.latitude, l.longitude, '', p.name, {verified}, COALESCE(k.facets, {no_keys}) "
        f"FROM {provider} p JOIN {location} l ON l.provider_id = p.id LEFT JOIN keys k ON k.provider_id = p.id "
        f"WHERE {published} "
        f"UNION ALL SELECT p.id, NULL, NULL, f.value, p.name, {verified}, COALESCE(k.facets, {no_keys}) "
        f"FROM {provider} p JOIN {facet} f ON f.provider_id = p.id AND f.name = %s "
        f"LEFT JOIN keys k ON k.provider_id = p.id WHERE {published}"
    )
    status = Provider.Status.PUBLISHED
    params = [*key_params, LICENSED_IN, *ids_params, status, *ids_params, LICENSED_IN, status, *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class ProviderFacet(models.Model):
    """One filter value a provider matches ("therapy" 12, "age" teens, "telehealth" yes).

    Kept in step with Provider by signals (directory/signals.py) and by `refresh_facets()` after bulk
    writes, so the search tests every filter and counts every option against one indexed table.
    """

    # The unique constraint below starts with provider, so it already indexes lookups by provider.
    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="facets", db_index=False)
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "name", "value"], name="provider_facet_once")]
        indexes = [models.Index(fields=["name", "value", "provider"], name="provider_facet_lookup")]

    def __str__(self):
        return f"{self.name}={self.value}"


class FacetKeysField(models.Field):
    """A list of facet keys: an integer array on PostgreSQL, a JSON list elsewhere (SQLite has no arrays)."""

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or connection.vendor == "postgresql":
            return value
        return json.dumps(list(value))


class SearchEntry(models.Model):
    """Where a published provider can be found from, with everything a search at a place filters and counts on.

    One row per location, and one per state a telehealth provider is licensed in (without coordinates).
    The provider's facet keys ride along, so a search reads the area, its filters and its option counts
    from one index range instead of joining the facets of every provider in reach. Rewritten with the
    facets by `refresh_facets()`; never edited by hand.
    """

    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="+", db_index=False)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    licensed_state = models.CharField(max_length=2, blank=True)
    name = models.CharField(max_length=200)
    last_verified = models.DateField(null=True)
    facets = FacetKeysField()

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [
            # Covering: a search at a place reads its area from the index alone (PostgreSQL).
            models.Index(
                fields=["latitude", "longitude"],
                include=["provider", "facets", "name", "last_verified"],
                name="search_entry_place",
            ),
            models.Index(
                fields=["licensed_state"],
                include=["provider", "facets", "name", "last_verified"],
                condition=~models.Q(licensed_state=""),
                name="search_entry_licensed",
            ),
            models.Index(fields=["provider"], name="search_entry_provider"),
        ]

    def __str__(self):
        return f"{self.name} ({self.licensed_state or f'{self.latitude}, {self.longitude}'})"
