"""Keeping listings true: confirm-your-listing links, the rounds that send them, and the changes providers
send back for moderators to review (decision 013)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone
from post_office.models import STATUS as MAIL_STATUS

from .providers import Location, Provider

LINK_SALT = "directory.verification-link"


def link_signer():
    # "." cannot occur in a URL-safe nonce or signature, and needs no escaping in a path.
    return signing.TimestampSigner(salt=LINK_SALT, sep=".")


def hash_token(token):
    """What is stored of a link: whoever reads the database cannot rebuild a working link from it."""
    return hashlib.sha256(token.encode()).hexdigest()


class VerificationRoundQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(**outcome_counts("requests", "requests__"))


class VerificationRound(models.Model):
    """One sending of confirm-your-listing links: a scheduled round or a moderator's action."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "request_verifications"
        ADMIN = "admin", "A moderator, from the provider list"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    older_than_days = models.PositiveIntegerField(null=True, blank=True)

    objects = VerificationRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Round {self.pk} of {timezone.localtime(self.started_at):%Y-%m-%d}"


class LinkProblem(models.TextChoices):
    """Why a link cannot be used; each has its own page and status."""

    ALTERED = "altered", "The link was changed or cut short"
    UNKNOWN = "unknown", "The link is not one we sent"
    USED = "used", "The link was already used"
    EXPIRED = "expired", "The link has expired"


class VerificationRequestQuerySet(models.QuerySet):
    def open_link(self, token):
        """(request or None, LinkProblem or None) for the token in a link."""
        try:
            link_signer().unsign(token, max_age=timedelta(days=settings.VERIFICATION_LINK_DAYS))
            expired = False
        except signing.SignatureExpired:
            expired = True
        except signing.BadSignature:
            return None, LinkProblem.ALTERED
        request = self.select_related("provider").filter(token_hash=hash_token(token)).first()
        if request is None:
            return None, LinkProblem.UNKNOWN
        if request.answered_at is not None:
            return request, LinkProblem.USED
        if expired or request.expires_at <= timezone.now():
            return request, LinkProblem.EXPIRED
        return request, None

    def asked_since(self, moment):
        return self.filter(created_at__gte=moment)

    def to_call(self):
        """The moderators' call list: listings without an email, asked and not yet verified by phone."""
        return self.filter(channel=self.model.Channel.PHONE, outcome=self.model.Outcome.PENDING)

    def counts(self):
        """How many were asked, and how each ended: confirmed, changed, bounced, no reply (yet)."""
        return self.aggregate(**outcome_counts("pk", ""))


def outcome_counts(counted, prefix):
    """Count expressions over requests (`prefix` is the path to them, e.g. "requests__" from a round)."""
    outcome = VerificationRequest.Outcome
    field = lambda name: f"{prefix}{name}"  # noqa: E731
    bounced = models.Q(**{field("outcome"): outcome.BOUNCED}) | models.Q(
        **{field("outcome"): outcome.PENDING, field("mail__status"): MAIL_STATUS.failed}
    )
    pending = models.Q(**{field("outcome"): outcome.PENDING})

    def count(condition=None):
        return models.Count(counted, filter=condition)

    return {
        "asked": count(),
        "by_email": count(models.Q(**{field("channel"): VerificationRequest.Channel.EMAIL})),
        "by_phone": count(models.Q(**{field("channel"): VerificationRequest.Channel.PHONE})),
        "confirmed": count(models.Q(**{field("outcome"): outcome.CONFIRMED})),
        "changed": count(models.Q(**{field("outcome"): outcome.CHANGED})),
        "bounced": count(bounced),
        "no_reply": count(pending & ~bounced),
    }


class VerificationRequest(models.Model):
    """One listing asked to confirm itself: by an emailed link, or by a moderator's call."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Emailed link"
        PHONE = "phone", "Call list (no email on the listing)"

    class Outcome(models.TextChoices):
        PENDING = "pending", "No reply yet"
        CONFIRMED = "confirmed", "Confirmed"
        CHANGED = "changed", "Sent changes"
        BOUNCED = "bounced", "Bounced"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="verification_requests")
    round = models.ForeignKey(
        VerificationRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    email = models.EmailField("sent to", blank=True)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    mail = models.ForeignKey(
        "post_office.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING, db_index=True)

    objects = VerificationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "created_at"], name="verification_provider_time")]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.provider} on {timezone.localtime(self.created_at):%Y-%m-%d}"

    @classmethod
    def for_email(cls, provider, email, language="en", round=None, now=None):
        """An unsaved request with its link's token: (request, token). The token is never stored."""
        now = now or timezone.now()
        token = link_signer().sign(secrets.token_urlsafe(18))
        request = cls(
            provider=provider,
            round=round,
            channel=cls.Channel.EMAIL,
            email=email,
            language=language,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=settings.VERIFICATION_LINK_DAYS),
        )
        return request, token

    def answer(self, outcome):
        """Mark the link used, once: False when another answer got there first (a second tab, a double post)."""
        now = timezone.now()
        pending = type(self).objects.filter(pk=self.pk, answered_at__isnull=True)
        if not pending.update(answered_at=now, outcome=outcome):
            return False
        self.answered_at, self.outcome = now, outcome
        return True

    @property
    def bounced(self):
        failed = self.mail_id is not None and self.mail.status == MAIL_STATUS.failed
        return self.outcome == self.Outcome.BOUNCED or (self.outcome == self.Outcome.PENDING and failed)


# What a provider may correct through the link, as fields of Provider; the rest goes in their note.
PROVIDER_CHANGE_FIELDS = [
    "name",
    "phone",
    "intake_phones",
    "email",
    "website",
    "description",
    "accepting_new_clients",
    "in_person",
    "telehealth",
    "telehealth_states",
    "serves_children",
    "serves_teens",
    "serves_adults",
    "serves_older_adults",
    "accepts_medicaid",
    "accepts_medicare",
    "accepts_private_insurance",
    "sliding_scale",
    "self_pay",
]
# A listing with one place can correct its address too (a listing with several says so in the note).
LOCATION_CHANGE_FIELDS = ["street", "city", "state", "zip_code"]


class ListingChange(models.Model):
    """What a provider says has changed, field by field, waiting for a moderator to accept or reject each."""

    class Status(models.TextChoices):
        NEW = "new", "Waiting for review"
        REVIEWED = "reviewed", "Reviewed"

    class Decision(models.TextChoices):
        ACCEPT = "accept", "Accept"
        REJECT = "reject", "Reject"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="listing_changes")
    request = models.OneToOneField(
        VerificationRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="change"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # {field: {"before": value, "after": value}}; a location field is named "location.<field>".
    fields = models.JSONField(default=dict)
    note = models.TextField("the provider's note", blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    decisions = models.JSONField(default=dict, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["status", "-created_at"]  # "new" sorts before "reviewed": the queue first

    def __str__(self):
        return f"Changes to {self.provider} sent {timezone.localtime(self.created_at):%Y-%m-%d}"

    @staticmethod
    def field_of(name):
        """The model field a change's key names: "phone", or "location.zip_code"."""
        if name.startswith("location."):
            return Location._meta.get_field(name.removeprefix("location."))
        return Provider._meta.get_field(name)


class ListingToCall(VerificationRequest):
    """The moderators' call list in admin: VerificationRequest.objects.to_call()."""

    class Meta:
        proxy = True
        verbose_name = "listing to call"
        verbose_name_plural = "listings to call"
