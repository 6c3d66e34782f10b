import pytest
from django.urls import reverse

from crisis.banner import banner_lines
from crisis.models import CrisisResource
from tests.helpers import PRODUCTION_ENV, ROOT, assert_crisis_banner, run_django

pytestmark = pytest.mark.django_db


def test_banner_shows_988_call_and_text_and_911_with_quick_exit(client):
    html = client.get("/").content.decode()
    assert_crisis_banner(html)
    assert "Call</a> or" in html
    assert "Emergency:" in html
    assert 'href="https://www.weather.gov/"' in html


def test_banner_falls_back_to_built_in_numbers_when_the_table_is_empty(client):
    CrisisResource.objects.all().delete()
    assert_crisis_banner(client.get("/").content.decode())


def test_banner_follows_an_edit_in_admin(client):
    CrisisResource.objects.filter(banner_role="emergency").update(banner_role="")
    resource = CrisisResource.objects.get(slug="911")
    resource.banner_role = "emergency"
    resource.phone = "112"
    resource.save()
    html = client.get("/").content.decode()
    assert 'href="tel:112"' in html


def test_banner_uses_built_in_numbers_without_asking_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        lines = banner_lines(use_database=False)
    assert lines["primary"].tel_href == "tel:988"
    assert lines["emergency"].tel_href == "tel:911"


UNREACHABLE = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/unreachable?connect_timeout=2"}


def test_with_the_database_down_pages_show_the_static_error_page_with_the_banner():
    result = run_django(
        "from django.test import Client\n"
        "for url in ['/', '/learn/']:\n"
        "    r = Client(raise_request_exception=False).get(url, secure=True)\n"
        "    print(url, r.status_code, r.get('Retry-After'))\n"
        "    print(r.content.decode())\n",
        **UNREACHABLE,
    )
    assert result.returncode == 0, result.stderr
    assert "/ 503 5" in result.stdout
    assert "/learn/ 503 5" in result.stdout
    page = result.stdout.split("/learn/ 503 5", 1)[1]
    assert_crisis_banner(page)
    assert "Something went wrong on our side" in page


def test_with_the_database_down_spanish_pages_show_the_static_error_page_in_spanish():
    result = run_django(
        "from django.test import Client\n"
        "r = Client(raise_request_exception=False).get('/es/', secure=True)\n"
        "print(r.status_code)\n"
        "print(r.content.decode())\n",
        **UNREACHABLE,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("503")
    assert_crisis_banner(result.stdout)
    assert '<html lang="es">' in result.stdout
    assert "Algo salió mal de nuestro lado" in result.stdout
    assert "marca 2" in result.stdout


@pytest.mark.parametrize(
    ("url", "line"), [("/crisis/", "Crisis Text Line"), ("/es/crisis/", "Crisis Text Line (en español)")]
)
def test_with_the_database_down_the_crisis_page_lists_its_built_in_lines(url, line):
    result = run_django(
        "from django.test import Client\n"
        f"r = Client(raise_request_exception=False).get({url!r}, secure=True)\n"
        "print(r.status_code)\n"
        "print(r.content.decode())\n",
        **UNREACHABLE,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200")
    assert_crisis_banner(result.stdout)
    assert line in result.stdout and "741741" in result.stdout


def test_with_the_database_down_the_banner_tag_still_renders_the_numbers():
    result = run_django(
        "from django.template import Template, Context\n"
        "print(Template('{% load crisis_tags %}{% crisis_banner %}<main>').render(Context()))\n",
        **UNREACHABLE,
    )
    assert result.returncode == 0, result.stderr
    assert_crisis_banner(result.stdout)


def test_404_page_carries_the_banner(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_crisis_banner(response.content.decode())
    assert "We could not find that page" in response.content.decode()


def test_500_page_is_static_and_carries_the_banner():
    template = (ROOT / "templates" / "500.html").read_text()
    assert "{% extends" not in template
    assert "use_database=False" in template


def test_error_templates_all_carry_the_banner(client):
    from django.template.loader import render_to_string

    for name in ["400.html", "403.html", "403_csrf.html", "404.html", "500.html"]:
        assert_crisis_banner(render_to_string(name))


def test_admin_login_page_carries_the_banner(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:988"' in html and 'href="tel:911"' in html


def test_crisis_page_lists_every_active_resource_with_links(client):
    CrisisResource.objects.filter(slug="outside-the-us").update(active=False)
    html = client.get("/crisis/").content.decode()
    assert "988 Suicide &amp; Crisis Lifeline" in html
    assert 'href="sms:741741?&amp;body=HOME"' in html
    assert 'href="tel:18664887386"' in html
    assert "Outside the United States" not in html
    assert "Browsing safely" in html
    assert "If you or someone else is in danger right now" in html


def test_crisis_page_has_no_lgbtq_press_3_option(client):
    assert "press 3" not in client.get("/crisis/").content.decode().lower()
