"""Operations that span models: moderators' notifications, and turning a suggestion into a listing."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from post_office import mail

from .geo import locate
from .models import Credential, Location, Provider, SubmissionSlot, Suggestion, client_address, free_slug, hash_address


def queue_moderator_email(subject, admin_path):
    """Put an email to moderators in the outbox; `manage.py send_queued_mail` (cron) sends and retries it.

    Nothing here talks to a mail server, so a slow or broken one can never slow or fail a visitor's form.
    """
    mail.send(
        settings.MODERATOR_EMAILS,
        settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        message=f"Review it in admin: {admin_path}",
        priority="medium",
    )


RATE_LIMIT_MESSAGE = (
    "You have sent several forms in the last hour, so we cannot take another just now. "
    "Your answers are still here: please try again later."
)


def accept_submission(request, form, subject, **fields):
    """Save a visitor's valid suggestion or report with its email to moderators, in one transaction.

    Returns False, with a message on the form and every answer kept, when the visitor's address has
    sent too many in the last hour. Honeypot submissions are dropped but look accepted. A database
    error is raised for the view to turn into a message; nothing is half-saved.
    """
    if form.is_spam():
        return True
    address_hash = hash_address(client_address(request))
    with transaction.atomic():
        if not SubmissionSlot.objects.take(address_hash, settings.SUBMISSION_RATE_LIMIT):
            form.add_error(None, RATE_LIMIT_MESSAGE)
            return False
        submission = form.save(commit=False)
        for name, value in fields.items():
            setattr(submission, name, value)
        submission.address_hash = address_hash
        submission.save()
        queue_moderator_email(subject, admin_change_path(submission))
    return True


def unique_slug(name, exclude_pk=None):
    return free_slug(name, lambda slug: Provider.objects.filter(slug=slug).exclude(pk=exclude_pk).exists())


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
