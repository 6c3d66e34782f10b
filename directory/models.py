"""The care directory.

Shaped to map onto the Open Referral HSDS 3.0 export: Provider is an organization offering one
service; Location is a location with its service_at_location; the taxonomy tables (Specialty,
Language, Insurer, Population) map to attributes and languages of the service.
"""

import hashlib
import hmac
import json
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from content.models import Page
from crisis.links import tel_href

from .geo import GreatCircleMiles, bounding_box

STALE_AFTER = timedelta(days=365)


def states_in(text):
    """["CA", "OR"] from "CA, OR" (or "ca;or")."""
    return list(dict.fromkeys(state.strip().upper() for state in text.replace(";", ",").split(",") if state.strip()))


# The 50 states, DC and the territories, by their USPS codes: where a US listing can be, or be licensed.
US_STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP",
    "PR", "VI",
}  # fmt: skip


def validate_state(value):
    if value not in US_STATES:
        raise ValidationError("%(value)s is not a US state's two-letter code, like CA or NY.", params={"value": value})


def validate_states(value):
    for state in states_in(value):
        validate_state(state)


validate_zip_code = RegexValidator(r"^\d{5}$", "A ZIP code is five digits, like 60601.")


class PhoneNumber(NamedTuple):
    text: str
    href: str


def split_list(text):
    """["a", "b"] from "a; b": the lists kept in one text field."""
    return [item.strip() for item in text.split(";") if item.strip()]


def free_slug(name, taken, fallback="provider"):
    """The name as a slug, with -2, -3 … added while `taken(slug)` says that one is in use."""
    base = slugify(name)[:200] or fallback
    slug, number = base, 2
    while taken(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


def spell_states(text):
    """One spelling ("CA, OR") so a state can be matched inside the list."""
    return ", ".join(states_in(text))


def stale_cutoff():
    return timezone.localdate() - STALE_AFTER


class NamedTerm(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Specialty(NamedTerm):
    class Meta(NamedTerm.Meta):
        verbose_name_plural = "specialties"


class Population(NamedTerm):
    pass


class Language(NamedTerm):
    pass


class Insurer(NamedTerm):
    pass


class Credential(models.Model):
    abbreviation = models.CharField(max_length=20, unique=True)
    full_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["abbreviation"]

    def __str__(self):
        return self.abbreviation


AGE_FIELDS = {
    "children": "serves_children",
    "teens": "serves_teens",
    "adults": "serves_adults",
    "older_adults": "serves_older_adults",
}
AGE_CHOICES = [("children", "Children"), ("teens", "Teens"), ("adults", "Adults"), ("older_adults", "Older adults")]
# New options go at the end: an option's place in its list is its number in the search entries' facet keys.
PAYMENT_CHOICES = [
    ("medicaid", "Medicaid"),
    ("medicare", "Medicare"),
    ("sliding_scale", "Sliding scale"),
    ("self_pay", "Self-pay"),
    ("private_insurance", "Private insurance"),
    ("tricare", "TRICARE (military insurance)"),
]
PAYMENT_FIELDS = {
    "medicaid": "accepts_medicaid",
    "medicare": "accepts_medicare",
    "sliding_scale": "sliding_scale",
    "self_pay": "self_pay",
    "private_insurance": "accepts_private_insurance",
    "tricare": "accepts_tricare",
}
# Emergency mental health care a program offers (SAMHSA's WI, PEOFF and PEON codes).
CRISIS_CHOICES = [
    ("walk-in", "Walk-in crisis care"),
    ("mobile", "Mobile crisis team"),
    ("onsite", "Emergency psychiatric care on site"),
]
CRISIS_FIELDS = {"walk-in": "crisis_walk_in", "mobile": "crisis_mobile", "onsite": "crisis_onsite"}
# The filters that are one choice among fixed options, each option a yes/no field of Provider.
CHOICE_FILTERS = {
    "age": (AGE_CHOICES, AGE_FIELDS),
    "payment": (PAYMENT_CHOICES, PAYMENT_FIELDS),
    "crisis": (CRISIS_CHOICES, CRISIS_FIELDS),
}


class ProviderQuerySet(models.QuerySet):
    # Set by facets_refreshed_by_caller(): a bulk writer that refreshes every listing it touched once, at the end.
    _facets_refreshed_by_caller = False

    def facets_refreshed_by_caller(self):
        """This queryset, whose updates leave the facets and search entries to the caller (the importers' writer
        refreshes them once per import, not once per batch of a bulk update)."""
        clone = self._chain()
        clone._facets_refreshed_by_caller = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._facets_refreshed_by_caller = self._facets_refreshed_by_caller
        return clone

    def published(self):
        return self.filter(status=Provider.Status.PUBLISHED)

    def with_freshness(self):
        cutoff = stale_cutoff()
        return self.annotate(
            stale_rank=models.Case(
                models.When(last_verified__gte=cutoff, then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        )

    def for_profile(self):
        # A profile names and links the pages; their bodies and headings stay in the database.
        linked_pages = Page.objects.only("title", "slug", "kind", "language", "order")
        return self.prefetch_related(
            "credentials",
            "specialties",
            models.Prefetch("therapies", queryset=linked_pages),
            models.Prefetch("levels", queryset=linked_pages),
            "locations",
            "insurers",
            "populations",
            "languages",
        )

    def near(self, place, miles):
        """Providers with a location within `miles` of `place`."""
        return self.filter(pk__in=Location.objects.within(place, miles).values("provider_id"))

    def with_distance(self, place, miles):
        """Annotate `distance`: miles to the provider's nearest location within reach (NULL when none is)."""
        nearest = Location.objects.filter(provider=models.OuterRef("pk")).within(place, miles).order_by("distance")
        return self.annotate(distance=models.Subquery(nearest.values("distance")[:1]))

    def update(self, **values):
        """QuerySet.update, with the search facets and entries kept in step: a bulk update sends no signals."""
        if self._facets_refreshed_by_caller or not SEARCHED_FIELDS.intersection(values):
            return super().update(**values)
        ids = list(self.values_list("pk", flat=True))  # before the update changes what the filter selects
        updated = super().update(**values)
        for start in range(0, len(ids), 10_000):
            Provider.objects.filter(pk__in=ids[start : start + 10_000]).refresh_facets()
        return updated

    def refresh_facets(self):
        """Rewrite these providers' search facets and entries from their fields and relations, in set-based SQL."""
        try:
            ids_sql, ids_params = self.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # filtered by an empty list of ids
            return
        ProviderFacet.objects.filter(provider__in=self.order_by().values("pk")).delete()
        insert = f"INSERT INTO {ProviderFacet._meta.db_table} (provider_id, name, value) "
        with connection.cursor() as cursor:
            for name, relation in FACET_RELATIONS.items():
                field = Provider._meta.get_field(relation)
                through = field.remote_field.through
                term_column = through._meta.get_field(field.m2m_reverse_field_name()).column
                cursor.execute(
                    insert + f"SELECT provider_id, %s, CAST({term_column} AS VARCHAR(40)) "
                    f"FROM {through._meta.db_table} WHERE provider_id IN ({ids_sql})",
                    [name, *ids_params],
                )
            for name, value, column in facet_flags():
                cursor.execute(
                    insert + f"SELECT id, %s, %s FROM {Provider._meta.db_table} WHERE {column} AND id IN ({ids_sql})",
                    [name, value, *ids_params],
                )
        licensed = self.filter(telehealth=True).exclude(telehealth_states="").values_list("pk", "telehealth_states")
        ProviderFacet.objects.bulk_create(
            ProviderFacet(provider_id=pk, name=LICENSED_IN, value=state)
            for pk, states in licensed.iterator()
            for state in states_in(states)
        )
        SearchEntry.objects.filter(provider__in=self.order_by().values("pk")).delete()
        write_search_entries(ids_sql, ids_params)


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
SEARCHED_FIELDS = {"status", "name", "last_verified", "telehealth_states", *(column for _, _, column in facet_flags())}

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
    provider, facet = Provider._meta.db_table, ProviderFacet._meta.db_table
    entry, location = SearchEntry._meta.db_table, Location._meta.db_table
    published = f"p.status = %s AND p.id IN ({ids_sql})"
    sql = (
        f"WITH keys AS (SELECT f.provider_id, {keys} AS facets FROM {facet} f "
        f"WHERE f.name <> %s AND f.provider_id IN ({ids_sql}) GROUP BY f.provider_id) "
        f"INSERT INTO {entry} (provider_id, latitude, longitude, licensed_state, name, last_verified, facets) "
        f"SELECT p.id, l.latitude, l.longitude, '', p.name, p.last_verified, COALESCE(k.facets, {no_keys}) "
        f"FROM {provider} p JOIN {location} l ON l.provider_id = p.id LEFT JOIN keys k ON k.provider_id = p.id "
        f"WHERE {published} "
        f"UNION ALL SELECT p.id, NULL, NULL, f.value, p.name, p.last_verified, COALESCE(k.facets, {no_keys}) "
        f"FROM {provider} p JOIN {facet} f ON f.provider_id = p.id AND f.name = %s "
        f"LEFT JOIN keys k ON k.provider_id = p.id WHERE {published}"
    )
    status = Provider.Status.PUBLISHED
    params = [*key_params, LICENSED_IN, *ids_params, status, *ids_params, LICENSED_IN, status, *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class Provider(models.Model):
    class Kind(models.TextChoices):
        THERAPIST = "therapist", "Individual therapist"
        GROUP_PRACTICE = "group_practice", "Group practice"
        PROGRAM = "program", "Treatment program"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"
        WITHDRAWN = "withdrawn", "Withdrawn: no longer listed by its source"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    external_id = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Id from the listing's source; imports match on it.",
    )
    credentials = models.ManyToManyField(Credential, blank=True)
    description = models.TextField(
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text="One short paragraph in plain words. Some public sources have none: the profile then shows the "
        "listing's facts alone.",
    )
    specialties = models.ManyToManyField(Specialty, blank=True, verbose_name="issues treated")
    therapies = models.ManyToManyField(
        Page, blank=True, related_name="therapy_providers", limit_choices_to={"kind": Page.Kind.THERAPY}
    )
    levels = models.ManyToManyField(
        Page,
        blank=True,
        related_name="level_providers",
        limit_choices_to={"kind": Page.Kind.LEVEL, "level_facts__isnull": False},
        verbose_name="levels of care",
    )
    serves_children = models.BooleanField(default=False)
    serves_teens = models.BooleanField(default=False)
    serves_adults = models.BooleanField(default=False)
    serves_older_adults = models.BooleanField(default=False)
    populations = models.ManyToManyField(Population, blank=True, verbose_name="populations served")
    languages = models.ManyToManyField(Language, blank=True)
    insurers = models.ManyToManyField(Insurer, blank=True, verbose_name="insurers accepted")
    accepts_medicaid = models.BooleanField(default=False)
    accepts_medicare = models.BooleanField(default=False)
    sliding_scale = models.BooleanField(default=False)
    self_pay = models.BooleanField(default=False)
    accepts_private_insurance = models.BooleanField(default=False)
    accepts_tricare = models.BooleanField("accepts TRICARE", default=False)
    fee_min = models.PositiveIntegerField(null=True, blank=True, help_text="US dollars per session")
    fee_max = models.PositiveIntegerField(null=True, blank=True, help_text="US dollars per session")
    in_person = models.BooleanField(default=True)
    telehealth = models.BooleanField(default=False)
    telehealth_states = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_states],
        help_text="Two-letter states where licensed for telehealth, e.g. CA, OR",
    )
    accepting_new_clients = models.BooleanField(
        null=True,
        blank=True,
        default=True,
        help_text="Unknown when the source does not say: readers see 'Ask about openings'.",
    )
    crisis_walk_in = models.BooleanField("walk-in crisis care", default=False)
    crisis_mobile = models.BooleanField("mobile crisis team", default=False)
    crisis_onsite = models.BooleanField("emergency psychiatric care on site", default=False)
    crisis_intervention_team = models.BooleanField(default=False)
    suicide_prevention = models.BooleanField("suicide prevention services", default=False)
    facility_type = models.CharField(max_length=200, blank=True, help_text="e.g. Community mental health center")
    operator = models.CharField(
        max_length=200, blank=True, help_text="Who runs it, e.g. Private non-profit organization"
    )
    other_treatments = models.CharField(
        max_length=500, blank=True, help_text="Treatments without a page of their own, separated by ';'."
    )
    phone = models.CharField(max_length=30, blank=True)
    intake_phones = models.CharField(
        max_length=200, blank=True, help_text="Numbers for intake (a first appointment), separated by ';'."
    )
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the listing came from.")
    feed = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The import that keeps this listing up to date (samhsa, hsds, csv …); empty for listings made here.",
    )
    # What the last import wrote, field by field: a field that differs from it was edited by a moderator,
    # and the next import leaves it as the moderator left it.
    imported = models.JSONField(default=dict, blank=True, editable=False)
    last_verified = models.DateField(null=True, blank=True, db_index=True)
    is_sample = models.BooleanField(default=False, help_text="Sample data: shown as 'Sample listing' on the site.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["name"]
        # Listing by name walks this index and stops after a page, instead of sorting every match.
        indexes = [models.Index(fields=["name", "id"], name="provider_name_then_id")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee_min__isnull=True)
                | models.Q(fee_max__isnull=True)
                | models.Q(fee_min__lte=models.F("fee_max")),
                name="provider_fee_range_in_order",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalize()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:profile", args=[self.slug])

    def clean(self):
        if self.fee_min is not None and self.fee_max is not None and self.fee_min > self.fee_max:
            raise ValidationError({"fee_min": "is more than fee_max"})

    def normalize(self):
        """What saving makes of the fields; bulk writes, which skip save(), call it themselves."""
        self.telehealth_states = spell_states(self.telehealth_states)

    @property
    def is_stale(self):
        return self.last_verified is None or self.last_verified < stale_cutoff()

    @property
    def licensed_states(self):
        return states_in(self.telehealth_states)

    @property
    def crisis_services(self):
        return [label for option, label in CRISIS_CHOICES if getattr(self, CRISIS_FIELDS[option])]

    @property
    def intake_numbers(self):
        return [PhoneNumber(number, tel_href(number)) for number in split_list(self.intake_phones)]

    @property
    def other_treatment_names(self):
        return split_list(self.other_treatments)

    @property
    def ages(self):
        return [label for age, label in AGE_CHOICES if getattr(self, AGE_FIELDS[age])]

    @property
    def payment_options(self):
        return [label for option, label in PAYMENT_CHOICES if getattr(self, PAYMENT_FIELDS[option])]

    @property
    def fee_range(self):
        if self.fee_min and self.fee_max and self.fee_min != self.fee_max:
            return f"${self.fee_min}–${self.fee_max} a session"
        if self.fee_min or self.fee_max:
            return f"${self.fee_min or self.fee_max} a session"
        return ""

    @property
    def phone_href(self):
        return tel_href(self.phone)


class LocationQuerySet(models.QuerySet):
    def within(self, place, miles):
        """Locations within `miles` of `place`, annotated with `distance`; the bounding box lets an index help."""
        min_lat, max_lat, min_lng, max_lng = bounding_box(place.latitude, place.longitude, miles)
        return (
            self.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
            .annotate(distance=GreatCircleMiles(place.latitude, place.longitude))
            .filter(distance__lte=miles)
        )


class Location(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="locations")
    external_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, help_text="Id from the location's source, e.g. hsds:<id>."
    )
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, db_index=True, validators=[validate_state])
    zip_code = models.CharField("ZIP", max_length=10, validators=[validate_zip_code])
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    approximate = models.BooleanField(
        default=True,
        help_text="Placed at its ZIP code's centre, not at the street address: distances are shown as 'about'.",
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self):
        return f"{self.street}, {self.city}, {self.state} {self.zip_code}"

    @property
    def city_state(self):
        return f"{self.city}, {self.state}"


class ProviderFacet(models.Model):
    """One filter value a provider matches ("therapy" 12, "age" teens, "telehealth" yes).

    Kept in step with Provider by signals (directory/signals.py) and by `refresh_facets()` after bulk
    writes, so the search tests every filter and counts every option against one indexed table.
    """

    # The unique constraint below starts with provider, so it already indexes lookups by provider.
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="facets", db_index=False)
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

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+", db_index=False)
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


def client_address(request):
    """The visitor's address: behind N trusted proxies, the Nth entry from the right of X-Forwarded-For."""
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if settings.NUM_PROXIES and len(forwarded) >= settings.NUM_PROXIES:
        return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def hash_address(address):
    """A keyed hash of a visitor's IP address: enough to rate-limit, not enough to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


class SubmissionSlotQuerySet(models.QuerySet):
    def take(self, address_hash, limit, window=timedelta(hours=1)):
        """Claim one of `limit` slots for this address, or return False if all were used within `window`.

        Each claim is one conditional write on a unique (address, number) row, so two concurrent posts
        can never take the same slot: on PostgreSQL the second waits for the first and then sees the
        slot taken; on SQLite writers queue for the database lock. Call it inside the transaction that
        saves the submission, so a failed save gives the slot back.
        """
        now = timezone.now()
        for number in range(1, limit + 1):
            if self.filter(address_hash=address_hash, number=number, used_at__lt=now - window).update(used_at=now):
                return True
            try:
                with transaction.atomic():
                    self.create(address_hash=address_hash, number=number, used_at=now)
                return True
            except IntegrityError:
                continue
        return False


class SubmissionSlot(models.Model):
    """The rate limit's ledger: one row per address and slot, with when that slot was last used."""

    address_hash = models.CharField(max_length=64)
    number = models.PositiveSmallIntegerField()
    used_at = models.DateTimeField(db_index=True)

    objects = SubmissionSlotQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address_hash", "number"], name="one_row_per_address_slot")]

    def __str__(self):
        return f"Slot {self.number} for {self.address_hash[:8]}"


class SubmissionQuerySet(models.QuerySet):
    def expired(self):
        """Handled submissions older than SUBMISSION_RETENTION_DAYS: moderation no longer needs them."""
        cutoff = timezone.now() - timedelta(days=settings.SUBMISSION_RETENTION_DAYS)
        return self.filter(self.model.HANDLED, created_at__lt=cutoff)


class Submission(models.Model):
    """What visitors send: kept for moderators until handled and past retention, never longer."""

    address_hash = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class Suggestion(Submission):
    class Relationship(models.TextChoices):
        PROVIDER = "provider", "I am this provider or work there"
        VISITOR = "visitor", "I know of this provider"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Turned into a listing"
        REJECTED = "rejected", "Rejected"

    relationship = models.CharField("your connection to the listing", max_length=20, choices=Relationship.choices)
    kind = models.CharField(max_length=20, choices=Provider.Kind.choices)
    name = models.CharField("name of therapist or program", max_length=200)
    credentials = models.CharField(max_length=200, blank=True, help_text="For example LCSW, PhD")
    description = models.TextField("what they offer", max_length=2000)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField("ZIP code", max_length=10, blank=True)
    telehealth = models.BooleanField("offers telehealth", default=False)
    phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(
        "your email (optional)", blank=True, help_text="Only if you want us to be able to ask you a question."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    HANDLED = models.Q(status__in=[Status.ACCEPTED, Status.REJECTED])

    def __str__(self):
        return f"Suggestion: {self.name}"


class ProblemReport(Submission):
    class Reason(models.TextChoices):
        WRONG_NUMBER = "wrong_number", "The phone number or contact details are wrong"
        NOT_ACCEPTING = "not_accepting", "They are not accepting new clients"
        CLOSED = "closed", "They have closed or moved"
        OTHER = "other", "Something else"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="problem_reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    contact_email = models.EmailField("your email (optional)", blank=True)
    resolved = models.BooleanField(default=False, db_index=True)

    HANDLED = models.Q(resolved=True)

    def __str__(self):
        return f"{self.get_reason_display()}: {self.provider}"
