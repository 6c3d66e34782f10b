"""Operations that span models: moderators' notifications, and turning a suggestion into a listing."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from .geo import locate
from .models import Credential, Location, Provider, Suggestion, client_address, hash_address

logger = logging.getLogger(__name__)


def notify_moderators(subject, body):
    """Email moderators. A failure is logged, never raised: what was submitted is already saved."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, settings.MODERATOR_EMAILS)
    except Exception:
        logger.exception("Could not email moderators: %s", subject)


def notify_after_commit(subject, admin_path):
    transaction.on_commit(lambda: notify_moderators(subject, f"Review it in admin: {admin_path}"))


RATE_LIMIT_MESSAGE = (
    "You have sent several forms in the last hour, so we cannot take another just now. "
    "Your answers are still here: please try again later."
)


def accept_submission(request, form, subject, **fields):
    """Save a visitor's valid suggestion or report and tell moderators after the commit.

    Returns False, with a message on the form and every answer kept, when the visitor's address has
    sent too many in the last hour. Honeypot submissions are dropped but look accepted.
    """
    if form.is_spam():
        return True
    address_hash = hash_address(client_address(request))
    if form._meta.model.objects.recent_from(address_hash).count() >= settings.SUBMISSION_RATE_LIMIT:
        form.add_error(None, RATE_LIMIT_MESSAGE)
        return False
    with transaction.atomic():
        submission = form.save(commit=False)
        for name, value in fields.items():
            setattr(submission, name, value)
        submission.address_hash = address_hash
        submission.save()
        notify_after_commit(subject, admin_change_path(submission))
    return True


def unique_slug(name, exclude_pk=None):
    base = slugify(name)[:200] or "provider"
    slug, number = base, 2
    while Provider.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_provider_from_suggestion(suggestion):
    """A pending provider built from a suggestion; moderators complete and publish it in admin."""
    provider = Provider.objects.create(
        kind=suggestion.kind,
        name=suggestion.name,
        slug=unique_slug(suggestion.name),
        description=suggestion.description,
        telehealth=suggestion.telehealth,
        in_person=bool(suggestion.city),
        phone=suggestion.phone,
        website=suggestion.website,
        status=Provider.Status.PENDING,
        source=f"Suggestion #{suggestion.pk} ({suggestion.get_relationship_display().lower()})",
    )
    abbreviations = [part.strip() for part in suggestion.credentials.replace(";", ",").split(",") if part.strip()]
    provider.credentials.set(Credential.objects.filter(abbreviation__in=abbreviations))
    place = locate(suggestion.zip_code) or locate(f"{suggestion.city}, {suggestion.state}")
    if suggestion.city and place:
        Location.objects.create(
            provider=provider,
            street=suggestion.street,
            city=suggestion.city,
            state=suggestion.state,
            zip_code=suggestion.zip_code,
            latitude=place.latitude,
            longitude=place.longitude,
        )
    suggestion.provider = provider
    suggestion.status = Suggestion.Status.ACCEPTED
    suggestion.save(update_fields=["provider", "status"])
    return provider


def admin_change_path(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
