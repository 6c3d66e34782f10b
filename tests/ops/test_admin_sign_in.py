"""Staff sign-in: lockout after repeated wrong passwords, a one-time code when required, short sessions."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-staff-password-42"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("moderator", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRE_OTP = True


def log_in(client, username="moderator", password=PASSWORD, code="", device=None, **headers):
    data = {"username": username, "password": password, "otp_token": code}
    if device is not None:
        data["otp_device"] = device.persistent_id
    return client.post("/admin/login/?next=/admin/", data, **headers)


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enroll(username="moderator"):
    out = StringIO()
    call_command("enroll_otp", username, backup_codes=2, stdout=out)
    return out.getvalue()


def test_the_right_password_signs_staff_in_when_no_code_is_required(client, staff):
    assert log_in(client)["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_repeated_wrong_passwords_lock_the_account_even_against_the_right_password(client, staff, settings):
    for _ in range(25):
        response = log_in(client, password="wrong-password")
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    refused = log_in(client)
    assert refused.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_the_lockout_is_per_account_from_any_address(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for number in range(3):
        log_in(client, password="wrong-password", REMOTE_ADDR=f"203.0.113.{number}")
    assert log_in(client, REMOTE_ADDR="198.51.100.1").status_code == 429


def test_the_lockout_is_per_address_across_accounts(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for number in range(3):
        log_in(client, username=f"guess{number}", password="wrong-password", REMOTE_ADDR="203.0.113.9")
    assert log_in(client, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert log_in(client, REMOTE_ADDR="198.51.100.1")["Location"] == "/admin/"


def test_behind_a_load_balancer_the_lockout_reads_the_visitor_address_as_the_rate_limit_does(client, staff, settings):
    settings.AXES_FAILURE_LIMIT, settings.NUM_PROXIES = 3, 1
    balancer = {"REMOTE_ADDR": "10.0.0.1"}
    for number in range(3):
        log_in(client, username=f"guess{number}", password="x", HTTP_X_FORWARDED_FOR="203.0.113.9", **balancer)
    assert log_in(client, HTTP_X_FORWARDED_FOR="203.0.113.9", **balancer).status_code == 429
    assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.7", **balancer)["Location"] == "/admin/"


def test_a_failed_sign_in_sets_no_cookie_on_a_reader_page(client, staff):
    log_in(client, password="wrong-password")
    client.cookies.clear()
    assert not client.get("/").cookies


def test_enrolment_prints_the_secret_the_otpauth_link_and_backup_codes(staff):
    out = enroll()
    device = TOTPDevice.objects.get(user=staff)
    assert re.search(r"Authenticator secret for moderator: [A-Z2-7]{32}", out)
    assert "otpauth://totp/Self-Harm%20Help%3Amoderator?secret=" in out
    assert len(re.findall(r"^  \w+$", out, re.M)) == 2
    assert device.confirmed


def test_enrolment_refuses_to_replace_a_device_unless_asked(staff):
    enroll()
    with pytest.raises(Exception, match="already has a device"):
        enroll()
    old = TOTPDevice.objects.get(user=staff)
    call_command("enroll_otp", "moderator", replace=True, stdout=StringIO())
    assert TOTPDevice.objects.get(user=staff).pk != old.pk


def test_with_codes_required_a_password_alone_does_not_reach_admin(client, staff, otp_required):
    enroll()
    response = log_in(client)
    assert response.status_code == 200
    assert "OTP Token" in response.content.decode()
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_with_codes_required_a_wrong_code_does_not_reach_admin(client, staff, otp_required):
    enroll()
    assert log_in(client, code="000000").status_code == 200
    assert client.get("/admin/").status_code == 302


def test_with_codes_required_the_current_code_reaches_admin(client, staff, otp_required):
    enroll()
    response = log_in(client, code=current_code(TOTPDevice.objects.get(user=staff)))
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_backup_code_chosen_from_the_device_menu_signs_in_once(client, staff, otp_required):
    code = enroll().rsplit("\n", 2)[-2].strip()
    backup_codes = StaticDevice.objects.get(user=staff)
    assert 'value="otp_static.staticdevice/' in log_in(client).content.decode()
    assert log_in(client, code=code, device=backup_codes)["Location"] == "/admin/"
    client.logout()
    assert log_in(client, code=code, device=backup_codes).status_code == 200


def test_with_codes_required_a_session_without_a_code_cannot_use_admin(client, staff, otp_required):
    client.force_login(staff)
    assert client.get("/admin/directory/suggestion/").status_code == 302


def test_staff_sessions_end_with_the_browser_and_after_a_working_day(client, staff):
    response = log_in(client)
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]
    assert client.session.get_expiry_age() == 8 * 60 * 60
