import csv
import io

import pytest
from django.core.management import CommandError, call_command

from directory.importer import COLUMNS, SAMPLE_FILE
from directory.models import Provider

pytestmark = pytest.mark.django_db


def write_csv(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return path


GOOD = {
    "external_id": "imp-1", "kind": "therapist", "name": "Quinn Example", "credentials": "LPC;PhD",
    "description": "Individual therapy.", "specialties": "Self-harm;Grief", "therapies": "cbt;dbt",
    "levels": "outpatient", "ages": "adults", "languages": "English;Spanish", "insurers": "Aetna",
    "payment": "self_pay", "fee_min": "80", "fee_max": "120", "in_person": "yes", "telehealth": "yes",
    "telehealth_states": "OR;WA", "accepting": "yes", "locations": "9 Example Road, Portland, OR 97201",
    "last_verified": "2026-10-01",
}  # fmt: skip


def test_import_creates_a_provider_with_everything(tmp_path):
    call_command("import_providers", write_csv(tmp_path / "p.csv", [GOOD]), stdout=io.StringIO())
    provider = Provider.objects.get(external_id="imp-1")
    assert provider.telehealth_states == "OR, WA"
    assert {c.abbreviation for c in provider.credentials.all()} == {"LPC", "PhD"}
    assert provider.locations.get().city == "Portland"
    assert provider.therapies.count() == 2 and provider.serves_adults and provider.self_pay


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "p.csv", [GOOD])
    call_command("import_providers", path, stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_providers", path, stdout=out)
    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert Provider.objects.filter(external_id="imp-1").count() == 1
    assert Provider.objects.get(external_id="imp-1").locations.count() == 1


def test_row_errors_are_reported_with_line_numbers_and_nothing_is_imported(tmp_path):
    bad = [
        GOOD,
        {**GOOD, "external_id": "imp-2", "kind": "wizard", "ages": "toddlers"},
        {**GOOD, "external_id": "imp-3", "therapies": "hypnosis", "locations": "Nowhere Street"},
        {**GOOD, "external_id": "imp-4", "locations": "1 Road, Ghost Town, ZZ 00000", "fee_min": "500"},
        {**GOOD, "external_id": "imp-1"},
    ]
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_providers", write_csv(tmp_path / "bad.csv", bad), stdout=io.StringIO(), stderr=err)
    errors = err.getvalue()
    assert "line 3, kind: Value 'wizard' is not a valid choice" in errors
    assert "line 3, ages: 'toddlers'" in errors
    assert "line 4, therapies: unknown hypnosis" in errors
    assert "line 4, locations: 'Nowhere Street' should look like" in errors
    assert "line 5, locations: unknown ZIP code 00000" in errors
    assert "line 5, fee_min: is more than fee_max" in errors
    assert "line 6, external_id: 'imp-1' repeats line 2" in errors
    assert not Provider.objects.filter(external_id__startswith="imp-").exists()


def test_dry_run_validates_and_writes_nothing(tmp_path):
    out = io.StringIO()
    call_command("import_providers", write_csv(tmp_path / "p.csv", [GOOD]), "--dry-run", stdout=out)
    assert "Dry run: 1 rows are valid" in out.getvalue()
    assert not Provider.objects.filter(external_id="imp-1").exists()


def test_a_missing_header_is_explained(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,kind\nx,therapist\n")
    with pytest.raises(CommandError, match="missing: external_id"):
        call_command("import_providers", path)


def test_export_then_import_round_trips(tmp_path):
    out = tmp_path / "all.csv"
    call_command("export_providers", "--output", out)
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == Provider.objects.count()
    Provider.objects.all().delete()
    call_command("import_providers", out, stdout=io.StringIO())
    assert Provider.objects.count() == len(rows)
    with SAMPLE_FILE.open() as handle:
        assert Provider.objects.filter(is_sample=True).count() == sum(1 for _ in csv.DictReader(handle))


def test_generate_providers_bulk_creates_synthetic_listings():
    before = Provider.objects.count()
    call_command("generate_providers", "--count", "250", verbosity=0, stdout=io.StringIO())
    assert Provider.objects.count() == before + 250
    synthetic = Provider.objects.filter(slug__startswith="synthetic-")
    assert synthetic.filter(locations__isnull=False).exists()
    assert synthetic.filter(therapies__isnull=False).exists()
