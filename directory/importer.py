"""Provider CSV import and export (the format is documented in directory/data/README.md).

Every row is validated before anything is written: a file with any invalid row imports nothing, and
every problem is reported with its line number. Rows are matched on external_id, so importing the
same file twice changes nothing.
"""

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.text import slugify

from content.models import Page

from .geo import locate
from .models import AGE_FIELDS, PAYMENT_FIELDS, Credential, Insurer, Language, Location, Population, Provider, Specialty
from .services import unique_slug

COLUMNS = [
    "external_id", "kind", "name", "credentials", "description", "specialties", "therapies", "levels", "ages",
    "populations", "languages", "insurers", "payment", "fee_min", "fee_max", "in_person", "telehealth",
    "telehealth_states", "accepting", "phone", "email", "website", "locations", "status", "source",
    "last_verified", "sample",
]  # fmt: skip
REQUIRED = ["external_id", "kind", "name", "description", "ages", "languages", "in_person", "telehealth", "accepting"]
TERM_MODELS = {"specialties": Specialty, "populations": Population, "languages": Language, "insurers": Insurer}
LOCATION_PATTERN = re.compile(r"^(?P<street>.+),\s*(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5})$")
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


@dataclass
class ParsedRow:
    line: int
    values: dict
    m2m: dict
    locations: list


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)


def split_list(cell):
    return [item.strip() for item in (cell or "").split(";") if item.strip()]


class RowParser:
    """Turns CSV rows into validated values, collecting every problem with its line number."""

    def __init__(self):
        self.therapies = {p.slug: p.pk for p in Page.objects.filter(kind=Page.Kind.THERAPY)}
        self.levels = {p.slug: p.pk for p in Page.objects.filter(kind=Page.Kind.LEVEL, level_facts__isnull=False)}
        self.credentials = {c.abbreviation.lower(): c.pk for c in Credential.objects.all()}

    def parse(self, row, line):
        errors = []

        def fail(column, message):
            errors.append(f"line {line}, {column}: {message}")

        row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        for column in REQUIRED:
            if not row.get(column):
                fail(column, "is required")
        values = {
            "external_id": row.get("external_id", ""),
            "name": row.get("name", ""),
            "description": row.get("description", ""),
            "phone": row.get("phone", ""),
            "source": row.get("source", ""),
        }
        kind = row.get("kind", "")
        if kind and kind not in Provider.Kind.values:
            fail("kind", f"{kind!r} is not one of {', '.join(Provider.Kind.values)}")
        values["kind"] = kind
        status = row.get("status") or Provider.Status.PUBLISHED
        if status not in Provider.Status.values:
            fail("status", f"{status!r} is not one of {', '.join(Provider.Status.values)}")
        values["status"] = status

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
        if values["fee_min"] and values["fee_max"] and values["fee_min"] > values["fee_max"]:
            fail("fee_min", "is more than fee_max")

        states = [state.upper() for state in split_list(row.get("telehealth_states"))]
        for state in states:
            if not re.fullmatch(r"[A-Z]{2}", state):
                fail("telehealth_states", f"{state!r} is not a two-letter state")
        values["telehealth_states"] = ", ".join(states)

        values["email"] = row.get("email", "")
        if values["email"]:
            try:
                EmailValidator()(values["email"])
            except ValidationError:
                fail("email", f"{values['email']!r} is not an email address")
        values["website"] = row.get("website", "")
        if values["website"]:
            try:
                URLValidator(schemes=["https", "http"])(values["website"])
            except ValidationError:
                fail("website", f"{values['website']!r} is not a web address")

        values["last_verified"] = None
        if row.get("last_verified"):
            try:
                values["last_verified"] = date.fromisoformat(row["last_verified"])
            except ValueError:
                fail("last_verified", f"{row['last_verified']!r} is not a date like 2026-01-31")

        m2m = {}
        for column, lookup in [("therapies", self.therapies), ("levels", self.levels)]:
            slugs = split_list(row.get(column))
            unknown = [slug for slug in slugs if slug not in lookup]
            if unknown:
                fail(column, f"unknown {', '.join(unknown)}")
            m2m[column] = [lookup[slug] for slug in slugs if slug in lookup]
        credentials = split_list(row.get("credentials"))
        unknown = [c for c in credentials if c.lower() not in self.credentials]
        if unknown:
            fail("credentials", f"unknown {', '.join(unknown)} (add it in admin first)")
        m2m["credentials"] = [self.credentials[c.lower()] for c in credentials if c.lower() in self.credentials]
        for column in TERM_MODELS:
            m2m[column] = split_list(row.get(column))

        locations = []
        for entry in [part.strip() for part in row.get("locations", "").split("|") if part.strip()]:
            match = LOCATION_PATTERN.match(entry)
            if not match:
                fail("locations", f"{entry!r} should look like '120 Main St, Chicago, IL 60601'")
                continue
            place = locate(match["zip"])
            if place is None:
                fail("locations", f"unknown ZIP code {match['zip']}")
                continue
            locations.append(
                {
                    "street": match["street"].strip(),
                    "city": match["city"].strip(),
                    "state": match["state"],
                    "zip_code": match["zip"],
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                }  # fmt: skip
            )
        return ParsedRow(line, values, m2m, locations), errors


def read_rows(handle):
    reader = csv.DictReader(handle)
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"The header row is missing: {', '.join(missing)}")
    return [(line, row) for line, row in enumerate(reader, start=2)]


def term_ids(model, names, cache):
    ids = []
    for name in names:
        key = (model, name.lower())
        if key not in cache:
            term = model.objects.filter(name__iexact=name).first()
            if term is None:
                term = model.objects.create(name=name, slug=unique_term_slug(model, name))
            cache[key] = term.pk
        ids.append(cache[key])
    return ids


def unique_term_slug(model, name):
    base = slugify(name.replace("+", " plus")) or "term"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def import_rows(rows, dry_run=False, update_existing=True, progress=lambda items: items):
    """Validate every row, then (unless dry_run or any row is invalid) create or update providers."""
    parser, result, parsed = RowParser(), ImportResult(), []
    seen = {}
    for line, row in rows:
        parsed_row, errors = parser.parse(row, line)
        external_id = parsed_row.values["external_id"]
        if external_id in seen:
            errors.append(f"line {line}, external_id: {external_id!r} repeats line {seen[external_id]}")
        seen[external_id] = line
        result.errors.extend(errors)
        parsed.append(parsed_row)
    if result.errors or dry_run:
        return result
    existing = Provider.objects.in_bulk([row.values["external_id"] for row in parsed], field_name="external_id")
    cache = {}
    with transaction.atomic():
        for row in progress(parsed):
            provider = existing.get(row.values["external_id"])
            if provider is not None and not update_existing:
                result.unchanged += 1
                continue
            if provider is None:
                provider = Provider(slug=unique_slug(row.values["name"]))
                result.created += 1
            else:
                result.updated += 1
            for name, value in row.values.items():
                setattr(provider, name, value)
            provider.save()
            provider.therapies.set(row.m2m["therapies"])
            provider.levels.set(row.m2m["levels"])
            provider.credentials.set(row.m2m["credentials"])
            for column, model in TERM_MODELS.items():
                getattr(provider, column).set(term_ids(model, row.m2m[column], cache))
            provider.locations.all().delete()
            Location.objects.bulk_create(Location(provider=provider, **location) for location in row.locations)
            Provider.objects.filter(pk=provider.pk).refresh_facets()  # bulk_create sends no signals
    return result


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
    result = import_rows(rows, update_existing=False)
    if result.errors:
        raise ValueError("The sample directory has invalid rows:\n" + "\n".join(result.errors))
    return result.created
