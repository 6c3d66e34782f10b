"""What visitors send: suggestions of listings and reports of problems, and the rate limit's ledger."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .providers import Provider


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


class ProblemReportQuerySet(SubmissionQuerySet):
    def acting_on(self, provider):
        """Unresolved reports that a reader could not reach the listing, made since its last verification."""
        reports = self.filter(provider=provider, resolved=False, reason__in=self.model.ACTING_REASONS)
        if provider.last_verified:
            reports = reports.filter(created_at__date__gte=provider.last_verified)
        return reports


class ProblemReport(Submission):
    class Reason(models.TextChoices):
        WRONG_NUMBER = "wrong_number", "The phone number or contact details are wrong"
        NOT_ACCEPTING = "not_accepting", "They are not accepting new clients"
        CLOSED = "closed", "They have closed or moved"
        OTHER = "other", "Something else"

    # Reports that, from enough different readers, flag the listing (Provider.refresh_problem_flag).
    ACTING_REASONS = [Reason.WRONG_NUMBER, Reason.CLOSED]

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="problem_reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    contact_email = models.EmailField("your email (optional)", blank=True)
    resolved = models.BooleanField(default=False, db_index=True)

    HANDLED = models.Q(resolved=True)

    objects = ProblemReportQuerySet.as_manager()

    def __str__(self):
        return f"{self.get_reason_display()}: {self.provider}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.provider.refresh_problem_flag()
