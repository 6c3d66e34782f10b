import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT, run_django

pytestmark = pytest.mark.django_db


def test_pages_send_the_privacy_and_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_admin_pages_send_the_referrer_only_to_this_site_so_staff_can_log_in(client):
    assert client.get("/admin/login/")["Referrer-Policy"] == "same-origin"
    assert client.get("/crisis/")["Referrer-Policy"] == "no-referrer"


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_is_down():
    result = run_django(
        "from django.test import Client\n"
        "r = Client().get('/healthz', secure=True)\n"
        "print(r.status_code, r.content.decode())\n",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/unreachable?connect_timeout=2",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="test-only",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("503 database unavailable")


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = run_django("", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_settings_reject_an_unknown_boolean():
    result = run_django("", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_production_settings_turn_on_hsts_and_secure_cookies():
    result = run_django(
        "from django.conf import settings as s\n"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)\n",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="test-only",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "False"]


def test_a_redis_url_selects_the_redis_cache():
    result = run_django(
        "from django.core.cache import caches\ncache = caches['default']\n"
        "cache.set('probe', 'yes', 5)\n"
        "print(type(cache).__name__, cache.get('probe'))\n",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "yes"]


def test_the_deploy_checklist_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            # The browser tests' conftest allows async-unsafe calls for the whole test process; production never.
            **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x7Qp2-production-like-secret-key-of-more-than-fifty-characters-9Zr",
            "DJANGO_ALLOWED_HOSTS": "selfharm.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_ask_staff_for_a_one_time_code_and_end_their_sessions():
    result = run_django(
        "from django.conf import settings as s\n"
        "print(s.ADMIN_REQUIRE_OTP, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_AGE, s.SECURE_HSTS_PRELOAD)\n",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="test-only",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "28800", "True"]
