"""A backup restored into an empty database has every row of every table, on SQLite and on PostgreSQL."""

import json

from tests.helpers import run_django, scratch_database

COUNT_EVERY_MODEL = (
    "import json\n"
    "from django.apps import apps\n"
    "print(json.dumps({m._meta.label: m.objects.count() for m in apps.get_models(include_auto_created=True)}))\n"
)

FILL_AND_BACK_UP = """
from django.contrib.auth import get_user_model
from django.core.management import call_command
from directory.models import ProblemReport, Provider, Suggestion
call_command("migrate", verbosity=0)
for command in ("load_crisis_resources", "load_curated_data", "load_sample_directory"):
    call_command(command, verbosity=0)
provider = Provider.objects.first()
provider.description += " Edited."
provider.save()
Suggestion.objects.create(relationship="visitor", kind="therapist", name="Kept", description="x", telehealth=True)
ProblemReport.objects.create(provider=provider, reason="other", details="Kept too")
get_user_model().objects.create_user("editor", password="x", is_staff=True)
call_command("backup_database", output=BACKUP)
"""


def counts(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_a_backup_restored_into_an_empty_database_has_every_row_of_every_table(tmp_path):
    backup = tmp_path / "site.backup"
    with scratch_database(tmp_path, "backup_source") as source, scratch_database(tmp_path, "restored") as empty:
        expected = counts(
            run_django(f"BACKUP = {str(backup)!r}\n" + FILL_AND_BACK_UP + COUNT_EVERY_MODEL, 600, DATABASE_URL=source)
        )
        restored = counts(
            run_django(
                "from django.core.management import call_command\n"
                f"call_command('restore_database', {str(backup)!r}, noinput=True)\n" + COUNT_EVERY_MODEL,
                300,
                DATABASE_URL=empty,
            )
        )
    for label in ("content.Page", "content.Source", "directory.Provider", "directory.HistoricalProvider"):
        assert expected[label] > 0, label
    assert expected["directory.Suggestion"] == expected["directory.ProblemReport"] == 1
    assert restored == expected


def test_restore_refuses_a_missing_file():
    result = run_django(
        "from django.core.management import call_command\n"
        "call_command('restore_database', '/no/such/backup', noinput=True)\n"
    )
    assert result.returncode != 0
    assert "No backup file at /no/such/backup" in result.stderr
