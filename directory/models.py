"""The care directory.

Shaped to map onto the Open Referral HSDS 3.0 export: Provider is an organization offering one
service; Location is a location with its service_at_location; the taxonomy tables (Specialty,
Language, Insurer, Population) map to attributes and languages of the service.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from content.models import Page
from crisis.links import tel_href

STALE_AFTER = timedelta(days=365)


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
PAYMENT_CHOICES = [
    ("medicaid", "Medicaid"),
    ("medicare", "Medicare"),
    ("sliding_scale", "Sliding scale"),
    ("self_pay", "Self-pay"),
]
PAYMENT_FIELDS = {
    "medicaid": "accepts_medicaid",
    "medicare": "accepts_medicare",
    "sliding_scale": "sliding_scale",
    "self_pay": "self_pay",
}


class ProviderQuerySet(models.QuerySet):
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

    def for_cards(self):
        return self.prefetch_related(
            "credentials", "specialties", "therapies", "levels", "locations", "insurers", "languages"
        )


class Provider(models.Model):
    class Kind(models.TextChoices):
        THERAPIST = "therapist", "Individual therapist"
        GROUP_PRACTICE = "group_practice", "Group practice"
        PROGRAM = "program", "Treatment program"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(max_length=200, db_index=True)
    slug = models.SlugField(max_length=220, unique=True)
    external_id = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Id from the listing's source; imports match on it.",
    )
    credentials = models.ManyToManyField(Credential, blank=True)
    description = models.TextField(max_length=2000)
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
    serves_children = models.BooleanField(default=False, db_index=True)
    serves_teens = models.BooleanField(default=False, db_index=True)
    serves_adults = models.BooleanField(default=False, db_index=True)
    serves_older_adults = models.BooleanField(default=False, db_index=True)
    populations = models.ManyToManyField(Population, blank=True, verbose_name="populations served")
    languages = models.ManyToManyField(Language, blank=True)
    insurers = models.ManyToManyField(Insurer, blank=True, verbose_name="insurers accepted")
    accepts_medicaid = models.BooleanField(default=False, db_index=True)
    accepts_medicare = models.BooleanField(default=False, db_index=True)
    sliding_scale = models.BooleanField(default=False, db_index=True)
    self_pay = models.BooleanField(default=False, db_index=True)
    fee_min = models.PositiveIntegerField(null=True, blank=True, help_text="US dollars per session")
    fee_max = models.PositiveIntegerField(null=True, blank=True, help_text="US dollars per session")
    in_person = models.BooleanField(default=True)
    telehealth = models.BooleanField(default=False, db_index=True)
    telehealth_states = models.CharField(
        max_length=200, blank=True, help_text="Two-letter states where licensed for telehealth, e.g. CA, OR"
    )
    accepting_new_clients = models.BooleanField(default=True, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the listing came from.")
    last_verified = models.DateField(null=True, blank=True, db_index=True)
    is_sample = models.BooleanField(default=False, help_text="Sample data: shown as 'Sample listing' on the site.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["name"]
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
        # One spelling ("CA, OR") so a state can be matched inside the list.
        states = self.telehealth_states.replace(";", ",").split(",")
        self.telehealth_states = ", ".join(state.strip().upper() for state in states if state.strip())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:profile", args=[self.slug])

    @property
    def is_stale(self):
        return self.last_verified is None or self.last_verified < stale_cutoff()

    @property
    def is_remote_only(self):
        return not self.locations.all()

    @property
    def licensed_states(self):
        return [state.strip().upper() for state in self.telehealth_states.split(",") if state.strip()]

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


class Location(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="locations")
    external_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, help_text="Id from the location's source, e.g. hsds:<id>."
    )
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, db_index=True)
    zip_code = models.CharField("ZIP", max_length=10)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self):
        return f"{self.street}, {self.city}, {self.state} {self.zip_code}"

    @property
    def city_state(self):
        return f"{self.city}, {self.state}"


def client_address(request):
    """The visitor's address: behind N trusted proxies, the Nth entry from the right of X-Forwarded-For."""
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if settings.NUM_PROXIES and len(forwarded) >= settings.NUM_PROXIES:
        return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def hash_address(address):
    """A keyed hash of a visitor's IP address: enough to rate-limit, not enough to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


class SubmissionQuerySet(models.QuerySet):
    def recent_from(self, address_hash, within=timedelta(hours=1)):
        return self.filter(address_hash=address_hash, created_at__gte=timezone.now() - within)


class Submission(models.Model):
    """What visitors send: kept for moderators, rate-limited by a keyed hash of the sender's address."""

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

    def __str__(self):
        return f"{self.get_reason_display()}: {self.provider}"
