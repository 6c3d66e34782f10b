"""`make setup` runs each app's own loader; every one of them can run again without creating anything."""

import re

import pytest
from django.core.management import call_command

from content.models import Page, Source
from crisis.models import CrisisResource
from directory.models import Provider
from tests.helpers import DATA_COMMANDS, ROOT

pytestmark = pytest.mark.django_db


def row_counts():
    return {model.__name__: model.objects.count() for model in (CrisisResource, Source, Page, Provider)}


@pytest.mark.parametrize(
    ("command", "report"),
    [
        ("load_crisis_resources", "Crisis resources: 0 created."),
        ("load_curated_data", "Pages: 0 created or updated."),
        ("load_sample_directory", "Sample directory: 0 providers created."),
    ],
)
def test_running_a_data_command_again_creates_nothing(command, report, capsys):
    before = row_counts()
    call_command(command)
    call_command(command)
    assert row_counts() == before
    assert capsys.readouterr().out.count(report) == 2


def test_the_session_data_has_something_from_every_loader():
    counts = row_counts()
    assert all(counts.values()), counts


def test_make_setup_loads_what_the_tests_load_and_the_public_directory():
    # The tests leave out SAMHSA's 9,037 facilities (tests/opendata loads a slice of the workbook instead).
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"^DATA_COMMANDS := (.+)$", makefile, re.MULTILINE).group(1).split()
    assert tuple(listed) == (*DATA_COMMANDS, "load_public_directory")
