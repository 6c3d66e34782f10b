import importlib

import pytest
from django.apps import apps

from crisis.models import CrisisResource

pytestmark = pytest.mark.django_db

routes_migration = importlib.import_module("crisis.migrations.0002_spanish_and_asl_routes")


def test_crisis_page_shows_how_to_get_support_in_spanish(client):
    html = client.get("/crisis/").content.decode()
    assert "Press 2 for support in Spanish" in html
    assert "Text AYUDA to 988 for support in Spanish by text" in html
    assert "For support in Spanish, text AYUDA to 741741" in html


def test_crisis_page_shows_the_988_sign_language_route(client):
    html = client.get("/crisis/").content.decode()
    assert "988 Lifeline in American Sign Language" in html
    assert "ASL Now" in html


def test_a_row_still_holding_the_first_seed_gets_the_spanish_routes():
    CrisisResource.objects.filter(slug="988-lifeline").update(
        options="Press 1 for the Veterans Crisis Line\nPress 2 for support in Spanish",
        languages="English and Spanish; interpreters for many other languages by phone",
        source_url="https://988lifeline.org/get-help/",
    )
    routes_migration.forwards(apps, None)
    assert "Text AYUDA to 988" in CrisisResource.objects.get(slug="988-lifeline").options


def test_a_row_an_editor_changed_keeps_the_editors_values():
    CrisisResource.objects.filter(slug="crisis-text-line").update(options="An editor's note", languages="")
    routes_migration.forwards(apps, None)
    assert CrisisResource.objects.get(slug="crisis-text-line").options == "An editor's note"
