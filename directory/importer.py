"""Provider CSV import and export (the format is documented in directory/data/README.md).

The parser turns each row into a ProviderRecord and names what it cannot read (a yes/no that is neither, a
location that does not look like an address); the writer (directory/writer.py) checks the rest with the
models' own rules and writes. A file with any problem imports nothing (our own format, fixed by hand), and
every problem is reported with its line number. Rows are matched on external_id, so importing the same
file twice changes nothing.
"""

import csv
import re
from datetime import date
from pathlib import Path

from .geo import locate
from .models import AGE_FIELDS, PAYMENT_FIELDS, Provider, VerifiedBy
from .writer import ImportResult, LocationRecord, Problem, ProviderRecord, ProviderWriter

COLUMNS = [
    "external_id", "kind", "name", "credentials", "description", "specialties", "therapies", "levels", "ages",
    "populations", "languages", "insurers", "payment", "fee_min", "fee_max", "in_person", "telehealth",
    "telehealth_states", "accepting", "phone", "email", "website", "locations", "status", "source",
    "last_verified", "verified_by", "sample",
]  # fmt: skip
REQUIRED = ["external_id", "kind", "name", "description", "ages", "languages", "in_person", "telehealth", "accepting"]
TERM_COLUMNS = ["therapies", "levels", "credentials", "specialties", "populations", "languages", "insurers"]
LOCATION_PATTERN = re.compile(r"^(?P<street>.+),\s*(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5})$")
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
FEED = "csv"


def split_list(cell):
    return [item.strip() for item in (cell or "").split(";") if item.strip()]


def parse_row(row, line):
    """(ProviderRecord, problems) for one CSV row; the values' own rules are the models' (the writer checks)."""
    label, problems = f"line {line}", []

    def fail(column, message):
        problems.append(Problem(label, column, message))

    row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
    for column in REQUIRED:
        if not row.get(column):
            fail(column, "is required")
    values = {
        name: row.get(name, "") for name in ["kind", "name", "description", "phone", "email", "website", "source"]
    }
    values["telehealth_states"] = ", ".join(state.upper() for state in split_list(row.get("telehealth_states")))
    status = row.get("status") or Provider.Status.PUBLISHED
    if status not in Provider.Status.values:
        fail("status", f"{status!r} is not one of {', '.join(Provider.Status.values)}")
    for column, model_field in [("in_person", "in_person"), ("telehealth", "telehealth"),
                                ("accepting", "accepting_new_clients"), ("sample", "is_sample")]:  # fmt: skip
        cell = row.get(column, "").lower()
        if cell not in YES | NO:
            fail(column, f"{row.get(column)!r} should be yes or no")
        values[model_field] = cell in YES
    for column, flags in [("ages", AGE_FIELDS), ("payment", PAYMENT_FIELDS)]:
        chosen = split_list(row.get(column))
        for value in chosen:
            if value not in flags:
                fail(column, f"{value!r} is not one of {', '.join(flags)}")
        for value, model_field in flags.items():
            values[model_field] = value in chosen
    for column in ["fee_min", "fee_max"]:
        cell = row.get(column, "")
        values[column] = None
        if cell:
            if cell.isdigit():
                values[column] = int(cell)
            else:
                fail(column, f"{cell!r} should be a whole number of dollars")
    values["last_verified"] = None
    if row.get("last_verified"):
        try:
            values["last_verified"] = date.fromisoformat(row["last_verified"])
        except ValueError:
            fail("last_verified", f"{row['last_verified']!r} is not a date like 2026-01-31")
    if row.get("verified_by"):  # how our own export says it was verified; else the date is this file's
        if row["verified_by"] in VerifiedBy.values:
            values["verified_by"] = row["verified_by"]
        else:
            fail("verified_by", f"{row['verified_by']!r} is not one of {', '.join(VerifiedBy.values)}")
    terms = {column: split_list(row.get(column)) for column in TERM_COLUMNS}
    locations = []
    external_id = row.get("external_id", "")
    for number, entry in enumerate((part.strip() for part in row.get("locations", "").split("|") if part.strip()), 1):
        match = LOCATION_PATTERN.match(entry)
        if not match:
            fail("locations", f"{entry!r} should look like '120 Main St, Chicago, IL 60601'")
            continue
        place = locate(match["zip"])
        if place is None:
            fail("locations", f"unknown ZIP code {match['zip']}")
            continue
        locations.append(
            LocationRecord(
                external_id=f"{external_id}@{number}",
                street=match["street"].strip(),
                city=match["city"].strip(),
                state=match["state"],
                zip_code=match["zip"],
                latitude=place.latitude,
                longitude=place.longitude,
            )
        )
    record = ProviderRecord(label, external_id, values, terms, locations, status=status)
    return record, problems


def read_rows(handle):
    reader = csv.DictReader(handle)
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"The header row is missing: {', '.join(missing)}")
    return [(line, row) for line, row in enumerate(reader, start=2)]


def import_rows(rows, dry_run=False, update_existing=True, feed=FEED, progress=lambda items: items):
    """Parse every row and let the writer check and write them: nothing is written if any row has a problem."""
    records, problems = [], []
    for line, row in rows:
        record, found = parse_row(row, line)
        records.append(record)
        problems += found
    writer = ProviderWriter(feed, new_status=Provider.Status.PUBLISHED, update_existing=update_existing, strict=True)
    if problems:
        # The rows that parsed are checked too, so that one run lists every problem in the file.
        problems += writer.check(records)[1]
        return ImportResult(problems=problems, skipped=len({problem.label for problem in problems}))
    return writer.write(records, dry_run=dry_run, progress=progress)


def export_rows(providers):
    """Yield CSV rows (as dicts) for providers, in the import format."""
    providers = providers.prefetch_related(
        "credentials", "specialties", "therapies", "levels", "populations", "languages", "insurers", "locations"
    )
    for provider in providers:
        yes_no = {True: "yes", False: "no"}
        yield {
            "external_id": provider.external_id or f"provider-{provider.pk}",
            "kind": provider.kind,
            "name": provider.name,
            "credentials": ";".join(c.abbreviation for c in provider.credentials.all()),
            "description": provider.description,
            "specialties": ";".join(s.name for s in provider.specialties.all()),
            "therapies": ";".join(p.slug for p in provider.therapies.all()),
            "levels": ";".join(p.slug for p in provider.levels.all()),
            "ages": ";".join(age for age, f in AGE_FIELDS.items() if getattr(provider, f)),
            "populations": ";".join(p.name for p in provider.populations.all()),
            "languages": ";".join(lang.name for lang in provider.languages.all()),
            "insurers": ";".join(i.name for i in provider.insurers.all()),
            "payment": ";".join(p for p, f in PAYMENT_FIELDS.items() if getattr(provider, f)),
            "fee_min": provider.fee_min or "",
            "fee_max": provider.fee_max or "",
            "in_person": yes_no[provider.in_person],
            "telehealth": yes_no[provider.telehealth],
            "telehealth_states": ";".join(provider.licensed_states),
            "accepting": yes_no[provider.accepting_new_clients],
            "phone": provider.phone,
            "email": provider.email,
            "website": provider.website,
            "locations": " | ".join(
                f"{loc.street}, {loc.city}, {loc.state} {loc.zip_code}" for loc in provider.locations.all()
            ),
            "status": provider.status,
            "source": provider.source,
            "last_verified": provider.last_verified.isoformat() if provider.last_verified else "",
            "verified_by": provider.verified_by,
            "sample": yes_no[provider.is_sample],
        }


SAMPLE_FILE = Path(__file__).resolve().parent / "data" / "sample_providers.csv"


def load_sample_directory(path=SAMPLE_FILE):
    """Create the sample providers that are missing; never touch one that exists (moderators may have edited it)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = read_rows(handle)
    ids = [row["external_id"] for _, row in rows]
    if Provider.objects.filter(external_id__in=ids).count() == len(ids):
        return 0
    result = import_rows(rows, update_existing=False, feed="sample")
    if result.problems:
        raise ValueError("The sample directory has invalid rows:\n" + "\n".join(map(str, result.problems)))
    return result.created
