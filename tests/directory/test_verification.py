"""Listings that stay true (issue 23, decision 013): confirm-your-listing links, rounds, readers' reports that act."""

import io
import re
import time
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail, signing
from django.core.management import call_command
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_format
from post_office.models import PRIORITY, STATUS, Email

from directory.models import (
    ListingChange,
    Location,
    ProblemReport,
    Provider,
    VerificationRequest,
    VerificationRound,
)
from directory.writer import ProviderRecord, ProviderWriter
from opendata.hsds import service_id

pytestmark = pytest.mark.django_db

SITE = "https://selfharm.example"
LINK = re.compile(re.escape(SITE) + r"(/directory/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def listing():
    provider = Provider.objects.published().filter(locations__isnull=False, is_sample=True).first()
    Provider.objects.filter(pk=provider.pk).update(
        email="intake@example.org", last_verified=date(2025, 1, 2), verified_by="import"
    )
    provider.refresh_from_db()
    return provider


def today_in_words():
    return date_format(timezone.localdate(), "F j, Y")


def link_in(message):
    return LINK.search(message).group(1)


def post_action(admin_client, model, action, pks):
    return admin_client.post(
        f"/admin/directory/{model}/", {"action": action, "_selected_action": [str(pk) for pk in pks]}, follow=True
    )


def change_form_data(provider, **changes):
    """What the change form posts when the provider leaves everything as it is, then `changes`."""
    location = provider.locations.get()
    data = {
        "name": provider.name,
        "phone": provider.phone,
        "intake_phones": provider.intake_phones,
        "email": provider.email,
        "website": provider.website,
        "description": provider.description,
        "accepting_new_clients": {True: "true", False: "false"}.get(provider.accepting_new_clients, ""),
        "telehealth_states": provider.telehealth_states,
        "note": "",
        "location-street": location.street,
        "location-city": location.city,
        "location-state": location.state,
        "location-zip_code": location.zip_code,
    }
    for flag in [
        "in_person", "telehealth", "serves_children", "serves_teens", "serves_adults", "serves_older_adults",
        "accepts_medicaid", "accepts_medicare", "accepts_private_insurance", "sliding_scale", "self_pay",
    ]:  # fmt: skip
        if getattr(provider, flag):
            data[flag] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not False}


def test_the_whole_loop_request_email_link_confirm(client, listing):
    response = client.post(f"/directory/{listing.slug}/new-link/", {"email": " Intake@Example.org"})
    assert response.status_code == 302
    assert "a link is on its way" in client.get(response["Location"]).content.decode()
    queued = Email.objects.get()
    assert queued.to == ["intake@example.org"] and queued.status == STATUS.queued
    assert queued.expires_at is not None  # an old email is never sent after its link has expired

    # The sender's own delivery of one email (send_queued_mail closes the connection, which a test cannot).
    queued.dispatch()
    (sent,) = mail.outbox
    assert listing.name in sent.body and "Is your listing" in sent.subject
    assert "/es/directory/confirm/" in sent.body  # the same link in Spanish, for the provider to choose
    path = link_in(sent.body)

    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200 and "Check your listing" in html and listing.name in html
    assert listing.phone in html  # the listing as readers see it
    assert 'name="robots" content="noindex, nofollow"' in html and page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in page["Cache-Control"] and not page.cookies

    response = client.post(path, {"answer": "confirm"})
    assert response.status_code == 302 and response["Location"] == f"/directory/{listing.slug}/confirmed/"
    assert "your listing is confirmed" in client.get(response["Location"]).content.decode()
    listing.refresh_from_db()
    assert listing.last_verified == timezone.localdate() and listing.verified_by == "provider"
    assert listing.history.first().history_change_reason == "Confirmed by the provider through the emailed link"
    profile = client.get(listing.get_absolute_url()).content.decode()
    assert f"Confirmed by the provider on {today_in_words()}" in profile

    again = client.get(path)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert client.post(path, {"answer": "confirm"}).status_code == 410


def test_something_has_changed_then_a_moderator_accepts_two_fields_and_rejects_one(client, admin_client, listing):
    old_phone, old_accepting = listing.phone, listing.accepting_new_clients
    post_action(admin_client, "provider", "send_confirm_links", [listing.pk])
    path = link_in(Email.objects.get(to=["intake@example.org"]).message)
    assert VerificationRound.objects.get().kind == "admin"

    form_page = client.get(path + "changes/")
    assert form_page.status_code == 200 and f'value="{old_phone}"' in form_page.content.decode()  # prefilled
    changes = {
        "phone": "(312) 555-0199",
        "website": "https://example.org/new-home",
        "accepting_new_clients": "false" if old_accepting else "true",
        "note": "We now run a DBT skills group.",
    }
    response = client.post(path + "changes/", change_form_data(listing, **changes))
    assert response.status_code == 302 and response["Location"] == f"/directory/{listing.slug}/changes-sent/"
    listing.refresh_from_db()
    assert listing.phone == old_phone  # nothing a provider types is published unreviewed
    change = ListingChange.objects.get()
    assert set(change.fields) == {"phone", "website", "accepting_new_clients"}
    assert change.fields["phone"] == {"before": old_phone, "after": "(312) 555-0199"}
    assert change.note == "We now run a DBT skills group."
    assert Email.objects.filter(subject__contains="Changes sent").exists()
    assert client.get(path).status_code == 410  # the link is used

    review = admin_client.get(f"/admin/directory/listingchange/{change.pk}/change/").content.decode()
    assert old_phone in review and "(312) 555-0199" in review and "We now run a DBT skills group." in review
    response = admin_client.post(
        f"/admin/directory/listingchange/{change.pk}/change/",
        {"decide__phone": "accept", "decide__website": "accept", "decide__accepting_new_clients": "reject"},
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.phone == "(312) 555-0199" and listing.website == "https://example.org/new-home"
    assert listing.accepting_new_clients == old_accepting
    assert listing.last_verified == timezone.localdate() and listing.verified_by == "provider"
    change.refresh_from_db()
    assert change.status == "reviewed" and change.reviewed_by.username == "admin"
    assert change.decisions == {"phone": "accept", "website": "accept", "accepting_new_clients": "reject"}
    reasons = list(listing.history.values_list("history_change_reason", flat=True)[:3])
    assert "Accepted from the provider's changes: phone, website" in reasons
    events = admin_client.get(f"/admin/directory/provider/{listing.pk}/history/").content.decode()
    assert "Changes reviewed by admin: accepted phone, website; rejected accepting_new_clients" in events
    assert "Confirm-your-listing link emailed to intake@example.org" in events


def test_an_accepted_value_that_no_longer_fits_is_refused_with_a_message(admin_client, listing):
    change = ListingChange.objects.create(
        provider=listing, fields={"telehealth_states": {"before": "", "after": "Narnia"}}
    )
    response = admin_client.post(
        f"/admin/directory/listingchange/{change.pk}/change/", {"decide__telehealth_states": "accept"}
    )
    assert response.status_code == 200 and "NARNIA is not a US state" in response.content.decode()
    change.refresh_from_db()
    assert change.status == "new"


def test_a_change_form_with_invalid_fields_shows_the_messages_and_keeps_what_was_typed(client, listing):
    request, token = VerificationRequest.for_email(listing, listing.email)
    request.save()
    data = change_form_data(listing, telehealth_states="California", **{"location-zip_code": "00000"})
    data["note"] = "Moving soon"
    response = client.post(f"/directory/confirm/{token}/changes/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "CALIFORNIA is not a US state" in html and "We do not know this ZIP code" in html
    assert "Moving soon" in html and 'value="California"' in html
    request.refresh_from_db()
    assert request.answered_at is None  # the link still works


def test_something_has_changed_with_nothing_changed_says_so(client, listing):
    request, token = VerificationRequest.for_email(listing, listing.email)
    request.save()
    response = client.post(f"/directory/confirm/{token}/changes/", change_form_data(listing))
    assert response.status_code == 200 and "Nothing here differs from the listing" in response.content.decode()
    assert not ListingChange.objects.exists()


def test_expired_reused_altered_and_unknown_links_each_answer_a_clear_page(client, listing, monkeypatch, settings):
    request, token = VerificationRequest.for_email(listing, listing.email)
    request.save()

    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.get(f"/directory/confirm/{altered}/")
    assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert client.get(f"/directory/confirm/{token[:20]}/").status_code == 400  # cut short by an email program

    unknown = signing.TimestampSigner(salt="directory.verification-link", sep=".").sign("never-sent")
    assert client.get(f"/directory/confirm/{unknown}/").status_code == 404

    # Signed 31 days ago: the signature itself has expired.
    monkeypatch.setattr(signing.time, "time", lambda: time.time_ns() / 1e9 - 31 * 86400)
    old_request, old_token = VerificationRequest.for_email(listing, listing.email)
    old_request.save()
    monkeypatch.undo()
    response = client.get(f"/directory/confirm/{old_token}/")
    html = response.content.decode()
    assert response.status_code == 410 and "This link has expired" in html
    assert f'href="/directory/{listing.slug}/new-link/"' in html  # how to ask for a new one
    assert client.post(f"/directory/confirm/{old_token}/", {"answer": "confirm"}).status_code == 410

    # Past its stored expiry, whatever the signature says.
    VerificationRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/directory/confirm/{token}/changes/").status_code == 410
    listing.refresh_from_db()
    assert listing.verified_by == "import"  # no link changed anything


def test_an_address_that_is_not_the_listings_gets_nothing_and_learns_nothing(client, listing):
    wrong = client.post(f"/directory/{listing.slug}/new-link/", {"email": "someone@example.net"})
    right = client.post(f"/directory/{listing.slug}/new-link/", {"email": "intake@example.org"})
    assert wrong.status_code == right.status_code == 302 and wrong["Location"] == right["Location"]
    assert Email.objects.count() == 1 and Email.objects.get().to == ["intake@example.org"]
    listing_without_email = Provider.objects.published().exclude(pk=listing.pk).first()
    Provider.objects.filter(pk=listing_without_email.pk).update(email="")
    response = client.post(f"/directory/{listing_without_email.slug}/new-link/", {"email": "a@example.org"})
    assert response.status_code == 302 and Email.objects.count() == 1


def test_links_are_rate_limited_per_listing_and_per_address(client, listing, settings):
    settings.VERIFICATION_LINKS_PER_LISTING, settings.VERIFICATION_LINKS_PER_ADDRESS = 2, 3
    url = f"/directory/{listing.slug}/new-link/"
    for _ in range(3):
        assert client.post(url, {"email": listing.email}).status_code == 302
    assert Email.objects.count() == 2  # the listing's limit: the third was not sent, and nobody is told
    response = client.post(url, {"email": listing.email})
    assert response.status_code == 200 and "Your answers are still here" in response.content.decode()
    assert 'value="intake@example.org"' in response.content.decode()
    assert client.post(url, {"email": listing.email}, REMOTE_ADDR="10.9.8.7").status_code == 302
    assert Email.objects.count() == 2


def test_a_link_request_from_another_site_is_refused(client, listing):
    response = client.post(
        f"/directory/{listing.slug}/new-link/", {"email": listing.email}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403 and not Email.objects.exists()


def test_the_spanish_pages_and_email(client, listing):
    response = client.post(f"/es/directory/{listing.slug}/new-link/", {"email": listing.email})
    assert response.status_code == 302 and response["Location"].startswith("/es/")
    message = Email.objects.get().message
    spanish_first = message.index("/es/directory/confirm/") < message.index(f"{SITE}/directory/confirm/")
    assert spanish_first
    spanish_path = LINK.search(message).group(1).replace("/directory/", "/es/directory/", 1)
    page = client.get(spanish_path)
    assert (
        page.status_code == 200
        and 'lang="es"' in page.content.decode()
        and "Todo está correcto" in page.content.decode()
    )
    response = client.post(spanish_path, {"answer": "confirm"})
    assert response["Location"] == f"/es/directory/{listing.slug}/confirmed/"
    with translation.override("es"):
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert " de " in today  # "7 de diciembre de 2026"
    profile = client.get(f"/es/directory/{listing.slug}/").content.decode()
    assert f"Confirmado por el proveedor el {today}" in profile


def make_old(provider, days, email=""):
    Provider.objects.filter(pk=provider.pk).update(
        last_verified=timezone.localdate() - timedelta(days=days), email=email, status="published"
    )


def test_request_verifications_emails_old_listings_and_lists_the_rest_for_calls(admin_client):
    Provider.objects.update(last_verified=timezone.localdate())
    old_with_email, old_without, asked_lately, older = Provider.objects.published()[:4]
    make_old(old_with_email, 400, "a@example.org")
    make_old(old_without, 400)
    make_old(asked_lately, 500, "c@example.org")
    make_old(older, 800, "d@example.org")
    VerificationRequest.for_email(asked_lately, "c@example.org", now=timezone.now() - timedelta(days=10))[0].save()

    out = io.StringIO()
    call_command("request_verifications", "--older-than", "365", "--dry-run", stdout=out)
    assert "Would email 2 listing(s) and add 1 to the call list" in out.getvalue()
    assert not VerificationRound.objects.exists()

    call_command("request_verifications", "--older-than", "365", "--limit", "1", stdout=io.StringIO())
    (first,) = VerificationRequest.objects.filter(round__isnull=False)
    assert first.provider == older  # the longest unverified first

    call_command("request_verifications", "--older-than", "365", stdout=(out := io.StringIO()))
    assert "1 email(s) queued" in out.getvalue() and "1 listing(s) added to the call list" in out.getvalue()
    emailed = Email.objects.get(to=["a@example.org"])
    assert emailed.priority == PRIORITY.low and emailed.expires_at  # moderators' notifications go first
    call = VerificationRequest.objects.get(provider=old_without)
    assert call.channel == "phone" and call.token_hash is None

    call_command("request_verifications", "--older-than", "365", stdout=(out := io.StringIO()))
    assert "0 email(s) queued" in out.getvalue()  # asked recently: not asked again

    calls = admin_client.get("/admin/directory/listingtocall/").content.decode()
    assert old_without.name in calls and old_with_email.name not in calls
    post_action(admin_client, "listingtocall", "verified_by_phone", [call.pk])
    old_without.refresh_from_db()
    assert old_without.verified_by == "phone" and old_without.last_verified == timezone.localdate()
    assert old_without.history.first().history_change_reason == "Verified by a moderator by phone"
    profile = admin_client.get(old_without.get_absolute_url()).content.decode()
    assert f"Checked by our team by phone on {today_in_words()}" in profile

    emailed_request = VerificationRequest.objects.get(provider=old_with_email)
    post_action(admin_client, "verificationrequest", "mark_bounced", [emailed_request.pk])
    round_ = VerificationRound.objects.filter(requests__provider=old_with_email).get()
    counts = round_.requests.counts()
    assert (counts["asked"], counts["confirmed"], counts["bounced"], counts["no_reply"]) == (2, 1, 1, 0)
    rounds = admin_client.get("/admin/directory/verificationround/").content.decode()
    assert "Bounced" in rounds and "No reply yet" in rounds
    totals = "All rounds together: 3 asked (2 by email, 1 on the call list): 1 confirmed, 0 sent changes, 1 bounced"
    assert totals in rounds
    assert admin_client.get(f"/admin/directory/verificationround/{round_.pk}/change/").status_code == 200


def test_request_verifications_refuses_a_negative_age(capsys):
    with pytest.raises(Exception, match="--older-than is a number of days"):
        call_command("request_verifications", "--older-than", "-1")


def test_directory_moderators_work_the_new_queues(client):
    user = User.objects.create_user("mod2", password="x" * 16, is_staff=True)
    user.groups.add(Group.objects.get(name="Directory moderator"))
    client.force_login(user)
    for path in ["verificationround", "verificationrequest", "listingtocall", "listingchange"]:
        assert client.get(f"/admin/directory/{path}/").status_code == 200


@pytest.fixture
def three_in_chicago():
    providers = []
    for name in ["Zeta Alpha", "Zeta Beta", "Zeta Gamma"]:
        provider = Provider.objects.create(
            kind="therapist", name=name, slug=name.lower().replace(" ", "-"), status="published",
            description="Therapy.", last_verified=timezone.localdate(), verified_by="admin", phone="(312) 555-0100",
        )  # fmt: skip
        Location.objects.create(
            provider=provider, street="1 Test St", city="Chicago", state="IL", zip_code="60601",
            latitude=41.886, longitude=-87.618,
        )  # fmt: skip
        providers.append(provider)
    return providers


def names_found(client, query):
    html = client.get(f"/directory/?{query}").content.decode()
    return re.findall(r"Zeta (?:Alpha|Beta|Gamma)(?=</a>)", html)


def report(client, provider, address, reason="wrong_number"):
    response = client.post(f"/directory/{provider.slug}/report/", {"reason": reason}, REMOTE_ADDR=address)
    assert response.status_code == 302


def test_reports_from_two_readers_demote_a_listing_until_resolved(client, admin_client, three_in_chicago):
    alpha = three_in_chicago[0]
    searches = ["q=Zeta&sort=name", "q=Zeta&near=60601&radius=5&sort=name", "q=Zeta&near=60601&radius=5"]
    for query in searches:
        assert names_found(client, query) == ["Zeta Alpha", "Zeta Beta", "Zeta Gamma"]

    report(client, alpha, "10.0.0.1")
    report(client, alpha, "10.0.0.1")  # the same reader twice is one reader
    report(client, alpha, "10.0.0.2", reason="not_accepting")  # not a wrong number or a closure
    alpha.refresh_from_db()
    assert not alpha.problem_reported

    report(client, alpha, "10.0.0.3", reason="closed")
    alpha.refresh_from_db()
    assert alpha.problem_reported
    for query in searches:
        assert names_found(client, query) == ["Zeta Beta", "Zeta Gamma", "Zeta Alpha"]
    warning = "Readers reported a problem: please check before you go"
    assert warning in client.get("/directory/?q=Zeta").content.decode()
    assert warning in client.get(alpha.get_absolute_url()).content.decode()
    report(client, three_in_chicago[1], "10.0.0.9", reason="other")  # the newest report, of a listing not flagged
    queue = admin_client.get("/admin/directory/problemreport/").content.decode()
    assert queue.index("Zeta Alpha") < queue.index("Zeta Beta")  # the flagged listing tops the queue

    open_reports = ProblemReport.objects.filter(provider=alpha, resolved=False)
    post_action(admin_client, "problemreport", "mark_resolved", list(open_reports.values_list("pk", flat=True)))
    alpha.refresh_from_db()
    assert not alpha.problem_reported
    for query in searches:
        assert names_found(client, query) == ["Zeta Alpha", "Zeta Beta", "Zeta Gamma"]
    assert warning not in client.get(alpha.get_absolute_url()).content.decode()


def test_a_fresh_verification_lifts_the_warning(client, three_in_chicago, settings):
    settings.LISTING_REPORT_THRESHOLD = 1
    alpha = three_in_chicago[0]
    Provider.objects.filter(pk=alpha.pk).update(email="alpha@example.org")
    report(client, alpha, "10.0.0.1")
    alpha.refresh_from_db()
    assert alpha.problem_reported

    request, token = VerificationRequest.for_email(alpha, "alpha@example.org")
    request.save()
    client.post(f"/directory/confirm/{token}/", {"answer": "confirm"})
    alpha.refresh_from_db()
    assert not alpha.problem_reported and alpha.verified_by == "provider"
    assert not ProblemReport.objects.filter(provider=alpha, resolved=False).exists()
    assert names_found(client, "q=Zeta&near=60601&radius=5&sort=name")[0] == "Zeta Alpha"


def test_the_hsds_export_says_when_and_how_a_listing_was_verified(client, listing):
    request, token = VerificationRequest.for_email(listing, listing.email)
    request.save()
    client.post(f"/directory/confirm/{token}/", {"answer": "confirm"})
    service = client.get(f"/api/hsds/services/{service_id(listing)}").json()
    assert service["assured_date"] == timezone.localdate().isoformat()
    (metadata,) = service["metadata"]
    assert metadata["field_name"] == "assured_date" and metadata["last_action_type"] == "verified"
    assert metadata["updated_by"] == "the provider, by a confirm-your-listing link"


def test_an_import_never_undoes_a_newer_verification(listing):
    Provider.objects.filter(pk=listing.pk).update(
        last_verified=timezone.localdate(), verified_by="provider", external_id="csv-test-1"
    )
    listing.refresh_from_db()
    older = {"kind": listing.kind, "name": listing.name, "last_verified": date(2025, 6, 1)}
    result = ProviderWriter(feed="csv").write([ProviderRecord("row 1", "csv-test-1", older)])
    assert not result.problems
    listing.refresh_from_db()
    assert listing.last_verified == timezone.localdate() and listing.verified_by == "provider"

    newer = {**older, "last_verified": timezone.localdate() + timedelta(days=1)}
    result = ProviderWriter(feed="csv").write([ProviderRecord("row 1", "csv-test-1", newer)])
    assert not result.problems
    listing.refresh_from_db()
    assert listing.last_verified == newer["last_verified"] and listing.verified_by == "import"


def test_every_profile_links_the_readers_page_in_its_language(client, listing):
    english = client.get(listing.get_absolute_url()).content.decode()
    assert 'href="/learn/how-we-keep-listings-accurate/"' in english
    page = client.get("/learn/how-we-keep-listings-accurate/")
    assert page.status_code == 200 and "Readers reported a problem: please check before you go" in page.content.decode()
    spanish = client.get(f"/es{listing.get_absolute_url()}").content.decode()
    assert 'href="/es/learn/como-mantenemos-el-directorio-al-dia/"' in spanish
    assert client.get("/es/learn/como-mantenemos-el-directorio-al-dia/").status_code == 200
