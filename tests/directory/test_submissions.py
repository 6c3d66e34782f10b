import re

import pytest
from post_office.models import STATUS, Email

from directory.models import ProblemReport, Provider, Suggestion

pytestmark = pytest.mark.django_db

VALID_SUGGESTION = {
    "relationship": "visitor",
    "kind": "therapist",
    "name": "Jamie Example",
    "credentials": "LCSW",
    "description": "Offers DBT-informed therapy for teens.",
    "city": "Denver",
    "state": "co",
    "zip_code": "80202",
    "phone": "(555) 010-0150",
    "website": "https://example.org/jamie",
}


def test_a_suggestion_is_stored_as_pending_with_an_email_to_moderators_in_the_outbox(client, settings):
    settings.MODERATOR_EMAILS = ["moderators@example.org"]
    response = client.post("/directory/suggest/", VALID_SUGGESTION)
    assert response.status_code == 302 and response["Location"] == "/directory/suggest/thanks/"
    suggestion = Suggestion.objects.get(name="Jamie Example")
    assert suggestion.status == "new" and suggestion.state == "CO"
    email = Email.objects.get()
    assert "Jamie Example" in email.subject and email.status == STATUS.queued
    assert email.to == ["moderators@example.org"]
    assert f"/admin/directory/suggestion/{suggestion.pk}/change/" in email.message
    assert "Thank you for your suggestion" in client.get(response["Location"]).content.decode()


def test_an_invalid_suggestion_keeps_what_was_typed_and_links_errors_to_fields(client):
    response = client.post("/directory/suggest/", {**VALID_SUGGESTION, "name": "", "zip_code": "9021"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_name"' in html and "Enter the name of the therapist or program" in html
    assert "Enter a 5-digit ZIP code" in html
    assert 'value="Offers DBT-informed therapy for teens."' in html or "Offers DBT-informed therapy for teens." in html
    assert not Suggestion.objects.exists()


def test_a_suggestion_needs_a_place_or_telehealth(client):
    response = client.post("/directory/suggest/", {**VALID_SUGGESTION, "city": "", "state": "", "zip_code": ""})
    assert "Give at least a city and state" in response.content.decode()


def test_the_honeypot_quietly_drops_bot_submissions(client):
    response = client.post("/directory/suggest/", {**VALID_SUGGESTION, "company_website": "http://spam.example"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_one_address_is_rate_limited_and_its_answers_are_kept_on_the_form(client, settings):
    settings.SUBMISSION_RATE_LIMIT = 2
    for number in range(2):
        assert client.post("/directory/suggest/", {**VALID_SUGGESTION, "name": f"Example {number}"}).status_code == 302
    response = client.post("/directory/suggest/", {**VALID_SUGGESTION, "name": "Example 3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "please try again later" in html
    assert 'value="Example 3"' in html
    assert Suggestion.objects.count() == 2
    other = client.post("/directory/suggest/", {**VALID_SUGGESTION, "name": "Other"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_behind_a_load_balancer_each_visitor_has_their_own_limit(client, settings):
    settings.SUBMISSION_RATE_LIMIT, settings.NUM_PROXIES = 1, 1
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.5", "REMOTE_ADDR": "10.0.0.1"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.1"}
    assert client.post("/directory/suggest/", VALID_SUGGESTION, **first).status_code == 302
    assert client.post("/directory/suggest/", VALID_SUGGESTION, **second).status_code == 302
    assert client.post("/directory/suggest/", VALID_SUGGESTION, **first).status_code == 200


def test_a_forged_forwarded_header_does_not_escape_the_limit(client, settings):
    settings.SUBMISSION_RATE_LIMIT, settings.NUM_PROXIES = 1, 1
    assert (
        client.post("/directory/suggest/", VALID_SUGGESTION, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5").status_code
        == 302
    )
    again = client.post("/directory/suggest/", VALID_SUGGESTION, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.5")
    assert again.status_code == 200


def test_the_form_pages_set_no_cookie(client):
    provider = Provider.objects.published().first()
    for url in ["/directory/suggest/", f"/directory/{provider.slug}/report/"]:
        assert not client.get(url).cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_a_post_from_another_site_is_refused(client, headers):
    response = client.post("/directory/suggest/", VALID_SUGGESTION, **headers)
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


def test_a_post_with_a_null_origin_and_no_fetch_metadata_is_accepted(client):
    assert client.post("/directory/suggest/", VALID_SUGGESTION, HTTP_ORIGIN="null").status_code == 302


def test_a_post_from_this_site_is_accepted(client):
    response = client.post(
        "/directory/suggest/", VALID_SUGGESTION, HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 302


def test_a_post_with_this_sites_origin_and_no_fetch_metadata_is_accepted(client):
    assert client.post("/directory/suggest/", VALID_SUGGESTION, HTTP_ORIGIN="http://testserver").status_code == 302


def test_a_post_whose_origin_has_another_scheme_is_refused_with_a_clear_message(client):
    response = client.post("/directory/suggest/", VALID_SUGGESTION, HTTP_ORIGIN="https://testserver")
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form was sent from https://testserver, which is not this site's address (http://testserver)" in html
    assert not Suggestion.objects.exists()


def test_a_post_whose_origin_has_another_port_is_refused(client):
    response = client.post("/directory/suggest/", VALID_SUGGESTION, HTTP_ORIGIN="http://testserver:8080")
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


def test_behind_a_tls_proxy_an_https_origin_is_this_site(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    browser = {"HTTP_HOST": "testserver", "HTTP_ORIGIN": "https://testserver", "HTTP_X_FORWARDED_PROTO": "https"}
    assert client.post("/directory/suggest/", VALID_SUGGESTION, **browser).status_code == 302


def test_a_problem_report_is_stored_for_moderators(client):
    provider = Provider.objects.published().first()
    response = client.post(
        f"/directory/{provider.slug}/report/", {"reason": "wrong_number", "details": "Number rings out."}
    )
    assert response.status_code == 302
    report = ProblemReport.objects.get(provider=provider)
    assert report.reason == "wrong_number" and not report.resolved
    assert "Problem reported" in Email.objects.get().subject
    assert "Thank you for telling us" in client.get(response["Location"]).content.decode()


def test_a_report_without_a_reason_explains_what_is_missing(client):
    provider = Provider.objects.published().first()
    response = client.post(f"/directory/{provider.slug}/report/", {"details": "x"})
    assert "Choose what is wrong with the listing" in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_the_profile_shows_every_field_and_json_ld(client):
    provider = Provider.objects.published().filter(locations__isnull=False, phone__gt="").first()
    html = client.get(provider.get_absolute_url()).content.decode()
    assert provider.name in html
    assert '<script type="application/ld+json">' in html and '"@type": "MedicalBusiness"' in html
    assert provider.phone_href in html
    assert f'href="/directory/{provider.slug}/report/"' in html
    assert "Sample listing" in html
    for location in provider.locations.all():
        assert location.street in html
    # The sample file's dates are the file's own: the profile says where the listing and its date came from.
    assert f"From Sample data, as of {provider.last_verified:%B} {provider.last_verified.day}" in html
    assert 'href="/learn/how-we-keep-listings-accurate/"' in html


def test_json_ld_cannot_break_out_of_its_script(client):
    provider = Provider.objects.published().first()
    provider.description = "</script><script>alert(1)</script>"
    provider.save()
    html = client.get(provider.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html


def test_hidden_and_pending_listings_are_not_public(client, admin_client):
    hidden = Provider.objects.exclude(status="published").first()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert admin_client.get(hidden.get_absolute_url()).status_code == 200


def test_the_honeypot_is_hidden_from_people_and_screen_readers_and_has_only_valid_attributes(client):
    html = client.get("/directory/suggest/").content.decode()
    assert "wrapper-class" not in html
    wrapper = re.search(r'<div\s+class="honeypot"\s+aria-hidden="true">(.*?)</div>\s*</div>', html, re.S)
    assert wrapper and 'name="company_website"' in wrapper.group(1)
    assert 'tabindex="-1"' in wrapper.group(1)
