"""Open Referral HSDS 3.0 import: services from a JSON dataset or a tabular (CSV) package, into providers.

Reads what `export_hsds` writes (a JSON list of services with their organization and locations
nested), a page of the HSDS API (`{"contents": [...]}`), or a folder or zip of HSDS tables
(`services.csv`, `organizations.csv`, `locations.csv`, `addresses.csv`, `service_at_locations.csv`,
`phones.csv`, `languages.csv`, `service_areas.csv`, `cost_options.csv`, `attributes.csv`,
`taxonomy_terms.csv`). As with the CSV importer, every record is checked first and nothing is
written unless all of them are valid. Services are matched on their HSDS id (`hsds:<id>` in
`Provider.external_id`), so importing the same file again changes nothing.

New listings wait for a moderator (pending) unless the caller publishes them; a listing that
exists keeps its moderation status, except that a service its source marks inactive is hidden.
"""

import contextlib
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.text import slugify

from content.models import Page
from directory.geo import locate
from directory.importer import ImportResult, unique_term_slug
from directory.models import CHOICE_FILTERS, Credential, Insurer, Language, Location, Provider, Specialty
from directory.services import unique_slug

from .hsds import EXTERNAL_PREFIX, FEATURES, FEE_OPTIONS, TERM_GROUPS, parse_uuid, term_id

TABLES = [
    "services", "organizations", "locations", "addresses", "service_at_locations", "phones", "languages",
    "service_areas", "cost_options", "attributes", "taxonomy_terms",
]  # fmt: skip
FEE_FIELDS = {option: field for field, option in FEE_OPTIONS.items()}
STATE_PATTERN = re.compile(r"^[A-Z]{2}$")
ZIP_PATTERN = re.compile(r"^(\d{5})(?:-?\d{4})?$")


class DatasetError(ValueError):
    """The file cannot be read as an HSDS dataset at all."""


@dataclass
class ParsedService:
    hsds_id: str
    active: bool
    values: dict
    m2m: dict
    terms: dict
    locations: list = field(default_factory=list)


# Reading


def read_dataset(path):
    """A list of service documents (dicts) from a JSON file, or a folder or zip of HSDS tables."""
    path = Path(path)
    if path.is_dir():
        return assemble_tables(lambda name: _open_if_exists(path / f"{name}.csv"))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = {Path(name).name: name for name in archive.namelist()}

            def open_table(name):
                member = members.get(f"{name}.csv")
                return io.TextIOWrapper(archive.open(member), encoding="utf-8-sig", newline="") if member else None

            return assemble_tables(open_table)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise DatasetError(f"not valid JSON ({error})") from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DatasetError("expected a JSON list of HSDS services")
    return data


def _open_if_exists(path):
    return path.open(encoding="utf-8-sig", newline="") if path.exists() else None


def assemble_tables(open_table):
    """Nest HSDS tables into service documents, the shape the JSON format has."""
    tables = {}
    for name in TABLES:
        handle = open_table(name)
        if handle is None:
            tables[name] = []
            continue
        with handle:
            tables[name] = [
                {key.strip(): (value or "").strip() for key, value in row.items() if key}
                for row in csv.DictReader(handle)
            ]
    if not tables["services"]:
        raise DatasetError("no services.csv (or it has no rows)")

    def by(table, column):
        grouped = {}
        for row in tables[table]:
            grouped.setdefault(row.get(column, ""), []).append(row)
        return grouped

    def numbers(row, *columns):
        for column in columns:
            if row.get(column):
                # A cell that is not a number stays text, and the parser reports it.
                with contextlib.suppress(ValueError):
                    row[column] = float(row[column])
            else:
                row.pop(column, None)
        return row

    organizations = {row.get("id"): row for row in tables["organizations"]}
    terms = {row.get("id"): row for row in tables["taxonomy_terms"]}
    addresses = by("addresses", "location_id")
    locations = {
        row.get("id"): {**numbers(row, "latitude", "longitude"), "addresses": addresses.get(row.get("id"), [])}
        for row in tables["locations"]
    }
    links, phones, languages = (
        by("service_at_locations", "service_id"),
        by("phones", "service_id"),
        by("languages", "service_id"),
    )
    areas, costs = by("service_areas", "service_id"), by("cost_options", "service_id")
    attributes = by("attributes", "link_id")
    services = []
    for row in tables["services"]:
        service = {key: value for key, value in row.items() if value}
        sid = row.get("id", "")
        if row.get("organization_id") in organizations:
            service["organization"] = organizations[row["organization_id"]]
        service["phones"] = phones.get(sid, [])
        service["languages"] = languages.get(sid, [])
        service["service_areas"] = areas.get(sid, [])
        service["cost_options"] = [numbers(cost, "amount") for cost in costs.get(sid, [])]
        service["attributes"] = [
            {**attribute, "taxonomy_term": terms.get(attribute.get("taxonomy_term_id"), {})}
            for attribute in attributes.get(sid, [])
            if attribute.get("link_type", "service") == "service" or attribute.get("link_entity") == "service"
        ]
        service["service_at_locations"] = [
            {**link, "location": locations.get(link.get("location_id"), {"id": link.get("location_id")})}
            for link in links.get(sid, [])
        ]
        services.append(service)
    return services


# Checking


class ServiceParser:
    """Turns one service document into provider values, collecting problems as 'service <id>, <field>: ...'."""

    def __init__(self):
        pages = Page.objects.all()
        self.therapies = dict(pages.filter(kind=Page.Kind.THERAPY).values_list("slug", "pk"))
        self.levels = dict(pages.filter(kind=Page.Kind.LEVEL, level_facts__isnull=False).values_list("slug", "pk"))
        self.credentials = {
            abbreviation.lower(): pk for abbreviation, pk in Credential.objects.values_list("abbreviation", "pk")
        }

    def parse(self, service, number):
        errors = []
        sid = parse_uuid(service.get("id"))
        label = f"service {service.get('id') or f'number {number}'}"

        def fail(column, message):
            errors.append(f"{label}, {column}: {message}")

        def text(value):
            return value.strip() if isinstance(value, str) else ""

        if sid is None:
            fail("id", "is missing or not a UUID")
        organization = service.get("organization") if isinstance(service.get("organization"), dict) else {}
        values = {"name": text(service.get("name")), "is_sample": False}
        if not values["name"]:
            fail("name", "is required")
        elif len(values["name"]) > 200:
            fail("name", "is longer than 200 characters")
        values["description"] = text(service.get("description")) or text(organization.get("description"))
        if not values["description"]:
            fail("description", "is required (on the service or its organization)")
        elif len(values["description"]) > 2000:
            fail("description", "is longer than 2000 characters")
        status = text(service.get("status")) or "active"
        if status not in ("active", "inactive", "defunct", "temporarily closed"):
            fail("status", f"{status!r} is not active, inactive, defunct or temporarily closed")

        values["website"] = text(service.get("url")) or text(organization.get("website"))
        if values["website"]:
            try:
                URLValidator(schemes=["https", "http"])(values["website"])
            except ValidationError:
                fail("url", f"{values['website']!r} is not a web address")
        values["email"] = text(service.get("email")) or text(organization.get("email"))
        if values["email"]:
            try:
                EmailValidator()(values["email"])
            except ValidationError:
                fail("email", f"{values['email']!r} is not an email address")
        numbers = [text(phone.get("number")) for phone in service.get("phones") or [] if isinstance(phone, dict)]
        values["phone"] = next((number for number in numbers if number), "")
        if len(values["phone"]) > 30:
            fail("phones", f"{values['phone']!r} is longer than 30 characters")
        values["last_verified"] = None
        if service.get("assured_date"):
            try:
                values["last_verified"] = date.fromisoformat(text(service["assured_date"])[:10])
            except ValueError:
                fail("assured_date", f"{service['assured_date']!r} is not a date like 2026-01-31")

        for name in FEE_OPTIONS:
            values[name] = None
        for cost in service.get("cost_options") or []:
            name = FEE_FIELDS.get(text(cost.get("option")))
            if name is None:
                continue
            amount = cost.get("amount")
            if not isinstance(amount, int | float) or amount < 0 or amount != int(amount):
                fail("cost_options", f"{amount!r} should be a whole number of dollars")
            else:
                values[name] = int(amount)
        if values["fee_min"] is not None and values["fee_max"] is not None and values["fee_min"] > values["fee_max"]:
            fail("cost_options", "the lowest fee is more than the highest")

        states = [
            text(area.get("name")).upper() for area in service.get("service_areas") or [] if isinstance(area, dict)
        ]
        values["telehealth_states"] = ", ".join(dict.fromkeys(state for state in states if STATE_PATTERN.match(state)))

        terms, term_errors = self.terms(service.get("attributes") or [])
        for column, message in term_errors:
            fail(column, message)
        locations, has_virtual = self.locations(service.get("service_at_locations") or [], fail)
        values["kind"] = (terms.get("kind") or [Provider.Kind.PROGRAM])[0]
        for group, (_, flags) in CHOICE_FILTERS.items():
            for value, model_field in flags.items():
                values[model_field] = value in terms.get(group, [])
        if terms:
            for value, (_, model_field) in FEATURES.items():
                values[model_field] = value in terms.get("feature", [])
        else:
            # Another directory's data says nothing of these: derive what the locations show, claim nothing else.
            values.update(telehealth=has_virtual, in_person=bool(locations), accepting_new_clients=False)

        licenses = [part.strip().lower() for part in re.split(r"[,;]", text(service.get("licenses"))) if part.strip()]
        m2m = {
            "therapies": [self.therapies[slug] for slug in terms.get("therapy", [])],
            "levels": [self.levels[slug] for slug in terms.get("level", [])],
            "credentials": [self.credentials[name] for name in licenses if name in self.credentials],
            "languages": [
                text(language.get("name")) for language in service.get("languages") or [] if text(language.get("name"))
            ],
            "specialties": terms.get("issue_names", []),
            "insurers": terms.get("insurance_names", []),
        }
        return ParsedService(sid, status == "active", values, m2m, terms, locations), errors

    def terms(self, attributes):
        """{group: [value]} from attributes that carry this directory's taxonomy terms; others are ignored."""
        found, errors = {}, []
        known = {
            "kind": Provider.Kind.values,
            "level": self.levels,
            "therapy": self.therapies,
            **{group: fields for group, (_, fields) in CHOICE_FILTERS.items()},
            "feature": FEATURES,
        }
        for attribute in attributes:
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            if not isinstance(term, dict):
                continue
            code = str(term.get("code") or "")
            group, _, value = code.partition(":")
            # Ours only when the id is the one we derive from the code; another taxonomy may reuse a code.
            if group not in TERM_GROUPS or not value or parse_uuid(term.get("id")) != term_id(code):
                continue
            if group in ("issue", "insurance"):
                found.setdefault(f"{group}_names", []).append((value, str(term.get("name") or value)))
            elif value not in known[group]:
                errors.append(("attributes", f"unknown {TERM_GROUPS[group].lower()} {value!r}"))
                continue
            found.setdefault(group, []).append(value)
        return found, errors

    def locations(self, links, fail):
        locations, has_virtual = [], False
        for link in links:
            location = link.get("location") if isinstance(link, dict) else None
            if not isinstance(location, dict):
                fail("service_at_locations", "has no location")
                continue
            lid, link_id = parse_uuid(location.get("id")), parse_uuid(link.get("id"))
            where = f"location {location.get('id')}"
            if lid is None or link_id is None:
                fail("service_at_locations", f"{where}: the location and service_at_location need UUID ids")
                continue
            if location.get("location_type") == "virtual":
                has_virtual = True
                continue
            addresses = [address for address in location.get("addresses") or [] if isinstance(address, dict)]
            address = next((a for a in addresses if a.get("address_type") == "physical"), None) or next(
                iter(addresses), None
            )
            if address is None:
                fail("service_at_locations", f"{where}: a physical location needs an address")
                continue
            street = str(address.get("address_1") or "").strip()
            city = str(address.get("city") or "").strip()
            state = str(address.get("state_province") or "").strip().upper()
            zip_match = ZIP_PATTERN.match(str(address.get("postal_code") or "").strip())
            problems = []
            if not street or len(street) > 200:
                problems.append("address_1 is required (at most 200 characters)")
            if not city or len(city) > 100:
                problems.append("city is required (at most 100 characters)")
            if not STATE_PATTERN.match(state):
                problems.append(f"state_province {state!r} is not a two-letter state")
            if not zip_match:
                problems.append(f"postal_code {address.get('postal_code')!r} is not a US ZIP code")
            latitude, longitude = location.get("latitude"), location.get("longitude")
            if not (isinstance(latitude, int | float) and isinstance(longitude, int | float)):
                place = locate(zip_match.group(1)) if zip_match else None
                if place is None and zip_match:
                    problems.append(f"no latitude and longitude, and ZIP code {zip_match.group(1)} is unknown")
                latitude, longitude = (place.latitude, place.longitude) if place else (None, None)
            elif not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                problems.append("latitude or longitude is out of range")
            if problems:
                fail("service_at_locations", f"{where}: {'; '.join(problems)}")
                continue
            locations.append(
                {
                    "external_id": f"{EXTERNAL_PREFIX}{lid}/{link_id}",
                    "street": street,
                    "city": city,
                    "state": state,
                    "zip_code": zip_match.group(1),
                    "latitude": latitude,
                    "longitude": longitude,
                }
            )
        return locations, has_virtual


# Writing


def check_services(services):
    """(parsed services, problems): every record is checked, and ids must not repeat."""
    parser, parsed, errors = ServiceParser(), [], []
    seen_services, seen_links = {}, {}
    for number, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            errors.append(f"service number {number}: is not an object")
            continue
        record, problems = parser.parse(service, number)
        if record.hsds_id in seen_services:
            problems.append(f"service {record.hsds_id}, id: repeats service number {seen_services[record.hsds_id]}")
        seen_services.setdefault(record.hsds_id, number)
        for location in record.locations:
            if location["external_id"] in seen_links:
                problems.append(f"service {record.hsds_id}, service_at_locations: a service_at_location id repeats")
            seen_links[location["external_id"]] = number
        errors.extend(problems)
        parsed.append(record)
    return parsed, errors


def named_terms(model, pairs, cache):
    """Ids of terms given as (slug, name): found by slug, then by name, else created with that slug."""
    ids = []
    for slug, name in pairs:
        key = (model, slug)
        if key not in cache:
            term = model.objects.filter(slug=slug).first() or model.objects.filter(name__iexact=name).first()
            if term is None:
                free = slugify(slug) == slug and not model.objects.filter(slug=slug).exists()
                term = model.objects.create(name=name, slug=slug if free else unique_term_slug(model, name))
            cache[key] = term.pk
        ids.append(cache[key])
    return ids


def language_ids(names, cache):
    return named_terms(Language, [(slugify(name) or name, name) for name in names], cache)


def import_services(services, dry_run=False, publish=False, source="", progress=lambda items: items):
    """Check every service, then (unless dry_run or any is invalid) create or update providers."""
    result = ImportResult()
    parsed, result.errors = check_services(services)
    if result.errors or dry_run:
        return result
    existing = Provider.objects.in_bulk(
        [EXTERNAL_PREFIX + record.hsds_id for record in parsed], field_name="external_id"
    )
    cache = {}
    with transaction.atomic():
        for record in progress(parsed):
            provider = existing.get(EXTERNAL_PREFIX + record.hsds_id)
            if provider is None:
                provider = Provider(
                    slug=unique_slug(record.values["name"]), external_id=EXTERNAL_PREFIX + record.hsds_id
                )
                provider.status = Provider.Status.PUBLISHED if publish else Provider.Status.PENDING
                result.created += 1
            else:
                result.updated += 1
            if not record.active:
                provider.status = Provider.Status.HIDDEN
            elif publish:
                provider.status = Provider.Status.PUBLISHED
            for name, value in record.values.items():
                setattr(provider, name, value)
            if source:
                provider.source = source
            provider.save()
            provider.therapies.set(record.m2m["therapies"])
            provider.levels.set(record.m2m["levels"])
            provider.credentials.set(record.m2m["credentials"])
            provider.languages.set(language_ids(record.m2m["languages"], cache))
            provider.specialties.set(named_terms(Specialty, record.m2m["specialties"], cache))
            provider.insurers.set(named_terms(Insurer, record.m2m["insurers"], cache))
            provider.locations.all().delete()
            Location.objects.bulk_create(Location(provider=provider, **location) for location in record.locations)
            Provider.objects.filter(pk=provider.pk).refresh_facets()  # bulk_create sends no signals
    return result
