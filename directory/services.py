"""Operations that span models: moderators' notifications, turning a suggestion into a listing, and keeping
listings true (confirm-your-listing links, verification, providers' changes; decision 013)."""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from post_office import mail

from pagecache.version import bump_content_version

from .geo import locate
from .models import (
    Credential,
    ListingChange,
    Location,
    ProblemReport,
    Provider,
    SubmissionSlot,
    Suggestion,
    VerificationRequest,
    VerifiedBy,
    client_address,
    free_slug,
    hash_address,
)

logger = logging.getLogger(__name__)


def batched(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


# Keeping listings true (decision 013).


def verify_listings(providers, method, user=None, reason=""):
    """Mark listings verified today by `method`, each with an entry in its history; their open reports of a wrong
    number or closure are resolved (someone has just checked the listing) and any warning is lifted."""
    today = timezone.localdate()
    listings = list(providers.order_by("pk"))
    ids = [listing.pk for listing in listings]
    with transaction.atomic():
        for batch in batched(ids, 10_000):
            Provider.objects.filter(pk__in=batch).update(
                last_verified=today, verified_by=method, problem_reported=False
            )
            ProblemReport.objects.filter(
                provider_id__in=batch, resolved=False, reason__in=ProblemReport.ACTING_REASONS
            ).update(resolved=True)
        for listing in listings:
            listing.last_verified, listing.verified_by, listing.problem_reported = today, method, False
        Provider.history.bulk_history_create(
            listings, update=True, default_user=user, default_change_reason=reason, batch_size=2000
        )
        bump_content_version()
    return len(ids)


def site_url(name, *args, language="en"):
    with translation.override(language):
        return settings.SITE_URL + reverse(name, args=args)


# Stand-ins for what differs between one listing's email and the next, so a round renders its templates once
# per language and expiry, not once per listing (100,000 renders took half a minute).
TOKEN, SLUG, NAME = "token0standin", "slug0standin", "name0standin"


@functools.lru_cache(maxsize=8)
def confirm_link_message(language, expires_at):
    """(subject, body) of a confirm-your-listing email with stand-ins: in `language`, then the other languages."""
    languages = [language, *(code for code, _ in settings.LANGUAGES if code != language)]
    parts, subject = [], ""
    for code in languages:
        context = {
            "SITE_NAME": settings.SITE_NAME,
            "name": NAME,
            "link": site_url("directory:confirm", TOKEN, language=code),
            "new_link": site_url("directory:new_link", SLUG, language=code),
            "expires": expires_at,
            "days": settings.VERIFICATION_LINK_DAYS,
        }
        with translation.override(code):
            parts.append(render_to_string("directory/email/confirm_listing.txt", context).strip())
            subject = subject or render_to_string("directory/email/confirm_listing_subject.txt", context).strip()
    return subject, "\n\n* * *\n\n".join(parts) + "\n"


def confirm_link_email(request, token, priority):
    """post_office's arguments for one confirm-your-listing email."""
    subject, body = confirm_link_message(request.language, request.expires_at)
    # The listing's name goes in last, so nothing in it can be taken for a stand-in.
    body = body.replace(TOKEN, token).replace(SLUG, request.provider.slug).replace(NAME, request.provider.name)
    return {
        "sender": settings.DEFAULT_FROM_EMAIL,
        "recipients": [request.email],
        "subject": subject,
        "message": body,
        "priority": priority,
        "expires_at": request.expires_at,
    }


def send_verification_links(ids, round=None, language="en", priority="low", batch_size=2000):
    """Ask each listing (by id) to confirm itself: an emailed link to its address, or a place on the moderators'
    call list when it has none. Emails go through the mail queue (`send_queued_mail`). Returns (emailed, to call)."""
    emailed = to_call = 0
    fields = ["pk", "name", "slug", "email"]
    for batch in batched(ids, batch_size):
        now = timezone.now()
        requests, emails = [], []
        for provider in Provider.objects.filter(pk__in=batch).only(*fields).order_by("pk"):
            if provider.email:
                request, token = VerificationRequest.for_email(provider, provider.email, language, round, now)
                emails.append((request, confirm_link_email(request, token, priority)))
            else:
                request = VerificationRequest(
                    provider=provider, round=round, channel=VerificationRequest.Channel.PHONE, created_at=now
                )
            requests.append(request)
        with transaction.atomic():
            for (request, _), queued in zip(emails, mail.send_many([kwargs for _, kwargs in emails]), strict=True):
                request.mail = queued
            VerificationRequest.objects.bulk_create(requests)
        emailed += len(emails)
        to_call += len(requests) - len(emails)
    return emailed, to_call


LINKS_ASKED_KEY = "confirm-link {}"


def send_link_if_listed(request, provider, email):
    """A new link for a listing, emailed only if `email` is the listing's own. The visitor sees the same answer
    either way (the view says a link is on its way if the address is the listing's), so the form cannot be used to
    learn a listing's address. Returns False when this visitor's address has asked too often this hour."""
    address_hash = hash_address(LINKS_ASKED_KEY.format(client_address(request)))
    with transaction.atomic():
        if not SubmissionSlot.objects.take(address_hash, settings.VERIFICATION_LINKS_PER_ADDRESS):
            return False
        listed = provider.email and provider.email.strip().casefold() == email.strip().casefold()
        asked_today = provider.verification_requests.asked_since(timezone.now() - timedelta(days=1))
        if not listed:
            logger.info("A link for listing %s was asked for with an address that is not the listing's", provider.pk)
        elif asked_today.count() >= settings.VERIFICATION_LINKS_PER_LISTING:
            logger.info(
                "Listing %s has had %s links today: no more sent", provider.pk, settings.VERIFICATION_LINKS_PER_LISTING
            )
        else:
            send_verification_links([provider.pk], language=translation.get_language(), priority="high")
    return True


def confirm_listing(verification_request):
    """The provider says the listing is right: verified today, by them. False if the link was used meanwhile."""
    with transaction.atomic():
        if not verification_request.answer(VerificationRequest.Outcome.CONFIRMED):
            return False
        verify_listings(
            Provider.objects.filter(pk=verification_request.provider_id),
            VerifiedBy.PROVIDER,
            reason="Confirmed by the provider through the emailed link",
        )
    return True


def send_listing_change(verification_request, form, location_form):
    """The provider's corrections, waiting for moderators; nothing is published until they accept it."""
    fields = form.changed_values()
    if location_form is not None:
        fields.update(location_form.changed_values())
    with transaction.atomic():
        if not verification_request.answer(VerificationRequest.Outcome.CHANGED):
            return None
        change = ListingChange.objects.create(
            provider_id=verification_request.provider_id,
            request=verification_request,
            fields=fields,
            note=form.cleaned_data["note"],
        )
        queue_moderator_email(f"Changes sent for {verification_request.provider.name}", admin_change_path(change))
    return change


def accepted_changes(change, decisions):
    """The listing and its address with the fields a moderator accepted applied, unsaved: (provider, location or
    None, accepted names). Raises ValidationError, keyed by the change's field names, when an accepted value does not
    fit the listing as it is now."""
    provider = Provider.objects.get(pk=change.provider_id)
    accepted = [name for name in change.fields if decisions.get(name) == ListingChange.Decision.ACCEPT]
    location, errors = None, {}
    for name in accepted:
        after = change.fields[name]["after"]
        if name.startswith("location."):
            location = location or provider.locations.first()
            if location is None:
                errors[name] = ["The listing has no address now: add one under Providers instead."]
                continue
            setattr(location, name.removeprefix("location."), after)
        else:
            setattr(provider, name, after)
    if location is not None:
        place = locate(location.zip_code) or locate(f"{location.city}, {location.state}")
        if place is None:
            errors["location.zip_code"] = [f"No place is known for {location.zip_code}: reject the address."]
        else:
            location.latitude, location.longitude, location.approximate = place.latitude, place.longitude, True
            try:
                location.full_clean(exclude=["provider"])
            except ValidationError as error:
                errors.update({f"location.{name}": messages for name, messages in error.message_dict.items()})
    try:
        provider.full_clean(validate_constraints=False, validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return provider, location, accepted


def review_listing_change(change, decisions, user):
    """Publish the fields a moderator accepted and record every decision. Accepting any field also counts as the
    provider confirming the listing today; rejecting everything changes nothing on it."""
    provider, location, accepted = accepted_changes(change, decisions)
    with transaction.atomic():
        if accepted:
            provider._history_user = user
            provider._change_reason = f"Accepted from the provider's changes: {', '.join(accepted)}"
            provider.save()
            if location is not None:
                location.save()
            verify_listings(
                Provider.objects.filter(pk=provider.pk),
                VerifiedBy.PROVIDER,
                user=user,
                reason="Confirmed by the provider through the emailed link; changes reviewed",
            )
        change.decisions = {name: decisions.get(name, ListingChange.Decision.REJECT) for name in change.fields}
        change.status, change.reviewed_at, change.reviewed_by = ListingChange.Status.REVIEWED, timezone.now(), user
        change.save()
    return accepted
