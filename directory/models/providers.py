"""Providers and their locations.

Shaped to map onto the Open Referral HSDS 3.0 export: Provider is an organization offering one
service; Location is a location with its service_at_location; the taxonomy tables (Specialty,
Language, Insurer, Population) map to attributes and languages of the service.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from content.models import Page
from crisis.links import tel_href

from ..geo import GreatCircleMiles, bounding_box
from .choices import (
    AGE_CHOICES,
    AGE_FIELDS,
    CRISIS_CHOICES,
    CRISIS_FIELDS,
    PAYMENT_CHOICES,
    PAYMENT_FIELDS,
    PhoneNumber,
    VerifiedBy,
    spell_states,
    split_list,
    stale_cutoff,
    states_in,
    validate_state,
    validate_states,
    validate_zip_code,
)
from .facets import (
    FACET_RELATIONS,
    LICENSED_IN,
    SEARCHED_FIELDS,
    ProviderFacet,
    SearchEntry,
    facet_flags,
    write_search_entries,
)
from .terms import Credential, Insurer, Language, Population, Specialty


def fresh_listings():
    """Listings searches put first: verified within the last year, and not flagged by readers' reports."""
    return models.Q(last_verified__gte=stale_cutoff(), problem_reported=False)


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

    def due_for_verification(self, older_than_days):
        """Published listings last verified more than `older_than_days` ago (or never) and not asked within
        VERIFICATION_ASK_AGAIN_DAYS, the longest unverified first."""
        today = timezone.localdate()
        asked_since = timezone.now() - timedelta(days=settings.VERIFICATION_ASK_AGAIN_DAYS)
        due = models.Q(last_verified__isnull=True) | models.Q(last_verified__lt=today - timedelta(days=older_than_days))
        return (
            self.published()
            .filter(due)
            .exclude(verification_requests__created_at__gte=asked_since)
            .order_by(models.F("last_verified").asc(nulls_first=True), "pk")
        )

    def with_freshness(self):
        return self.annotate(
            stale_rank=models.Case(
                models.When(fresh_listings(), then=models.Value(0)),
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
    verified_by = models.CharField(
        max_length=20,
        choices=VerifiedBy.choices,
        blank=True,
        help_text="How the last verification happened; the profile says so. Set for you when you change the date.",
    )
    problem_reported = models.BooleanField(
        "readers reported a problem",
        default=False,
        db_index=True,
        editable=False,
        help_text="Set while reports of a wrong number or closure from different readers since the last "
        "verification reach LISTING_REPORT_THRESHOLD: the listing is sorted below verified ones, with a warning.",
    )
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

    def refresh_problem_flag(self, reason=""):
        """Flag the listing, or clear its flag, by the readers' reports since its last verification."""
        reports = self.problem_reports.model.objects.acting_on(self)
        flagged = reports.values("address_hash").distinct().count() >= settings.LISTING_REPORT_THRESHOLD
        if flagged != self.problem_reported:
            self.problem_reported = flagged
            self._change_reason = reason or (
                "Readers' reports reached the threshold: sorted below verified listings, with a warning"
                if flagged
                else "Readers' reports resolved: sorted as usual again"
            )
            self.save(update_fields=["problem_reported", "updated_at"])

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
