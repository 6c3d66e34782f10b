"""Open Referral HSDS import: services from the wild, as records for the directory's one writer.

Reads a JSON list of services (what `export_hsds` writes), a page of an HSDS API (`{"contents": [...]}`), a
single service object (what `/services/{id}` returns), or a tabular package: a folder or zip of CSV tables.
A package is read by its `datapackage.json` when it has one, else by file name, in the names of HSDS 3.0
(`service_at_location.csv`, `addresses.csv`, `attributes.csv`, `taxonomy_terms.csv`) and of the HSDS 1.x
and 2.0 exports most 211s still send (`services_at_location.csv`, `physical_addresses.csv`,
`services_taxonomy.csv` with `taxonomy.csv`, `service_attributes.csv`, integer ids), for the core tables.

Each service becomes a ProviderRecord; one the importer cannot use (no name, an address outside the US, a
bad email) is named with why and skipped, and the rest are written, unless the caller asks for strict
all-or-nothing. Services are matched on their HSDS id (`hsds:<id>` in `Provider.external_id`; a source id
that is not a UUID gets a stable UUID derived from the feed's name and that id), so importing the same file
again changes nothing.
"""

import contextlib
import csv
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf.locale import LANG_INFO

from directory.geo import locate
from directory.models import CHOICE_FILTERS, Credential, Provider
from directory.writer import ImportResult, LocationRecord, Problem, ProviderRecord, ProviderWriter

from .hsds import EXTERNAL_PREFIX, FEATURES, FEE_OPTIONS, NAMESPACE, TERM_GROUPS, parse_uuid, term_id

# Each table the importer reads, and the names it goes by in HSDS 3.0, then 2.0, 1.1 and 1.0.
TABLE_NAMES = {
    "services": ["services", "service"],
    "organizations": ["organizations", "organization"],
    "locations": ["locations", "location"],
    "addresses": ["addresses", "physical_addresses", "physical_address"],
    # "service_at_locations" is what this importer once read, by mistake; files written for it still import.
    "service_at_location": ["service_at_location", "services_at_location", "service_at_locations"],
    "phones": ["phones", "phone"],
    "languages": ["languages", "language"],
    "service_areas": ["service_areas", "service_area"],
    "cost_options": ["cost_options"],
    "attributes": ["attributes", "service_attributes", "services_taxonomy", "service_taxonomy"],
    "taxonomy_terms": ["taxonomy_terms", "taxonomy"],
}
FEE_FIELDS = {option: name for name, option in FEE_OPTIONS.items()}
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
ZIP_PATTERN = re.compile(r"^(\d{5})(?:-?\d{4})?$")
# ISO 639-1 codes that HSDS 1.x language rows carry and Django's list lacks.
MORE_LANGUAGES = {"zh": "Chinese", "tl": "Tagalog", "ht": "Haitian Creole", "so": "Somali", "sm": "Samoan"}


class DatasetError(ValueError):
    """The file cannot be read as an HSDS dataset at all."""


@dataclass
class ImportOutcome:
    result: object
    # Services left out because none of their taxonomy terms is among those asked for.
    outside_taxonomy: int = 0
    problems: list = field(default_factory=list)


# Reading


def read_dataset(path):
    """A list of service documents (dicts, in HSDS 3.0's JSON shape) from a file, folder or zip."""
    path = Path(path)
    if path.is_dir():
        return read_tables(lambda name: _open_if_exists(path / name), path.joinpath("datapackage.json").exists())
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = {Path(name).name: name for name in archive.namelist()}

            def open_member(name):
                member = members.get(name)
                return io.TextIOWrapper(archive.open(member), encoding="utf-8-sig", newline="") if member else None

            return read_tables(open_member, "datapackage.json" in members)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise DatasetError(f"not valid JSON ({error})") from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    elif isinstance(data, dict) and "id" in data and "name" in data:
        data = [data]  # one service, as /services/{id} returns it
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DatasetError("expected a JSON list of HSDS services, a page of them, or one service")
    return data


def _open_if_exists(path):
    return path.open(encoding="utf-8-sig", newline="") if path.exists() else None


def read_tables(open_file, has_datapackage):
    """Nest HSDS tables into service documents, the shape the JSON format has."""
    files = table_files(open_file) if has_datapackage else {}
    tables = {}
    for table, names in TABLE_NAMES.items():
        candidates = [files[name] for name in names if name in files] + [f"{name}.csv" for name in names]
        tables[table] = next(
            (rows for rows in map(lambda name: read_csv(open_file, name), candidates) if rows is not None), []
        )
    if not tables["services"]:
        raise DatasetError("no services table (services.csv), or it has no rows")
    return assemble(tables)


def table_files(open_file):
    """{resource name: file name} from the package's datapackage.json."""
    handle = open_file("datapackage.json")
    with handle:
        try:
            descriptor = json.load(handle)
        except json.JSONDecodeError as error:
            raise DatasetError(f"datapackage.json is not valid JSON ({error})") from None
    return {
        resource.get("name", ""): Path(str(resource.get("path", ""))).name
        for resource in descriptor.get("resources", [])
        if isinstance(resource, dict)
    }


def read_csv(open_file, name):
    handle = open_file(name)
    if handle is None:
        return None
    with handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items() if key} for row in csv.DictReader(handle)
        ]


def assemble(tables):
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
    # 2.0 calls a term's name "term"; 1.1's taxonomy.csv has no code.
    terms = {row.get("id"): {**row, "name": row.get("name") or row.get("term", "")} for row in tables["taxonomy_terms"]}
    addresses = by("addresses", "location_id")
    locations = {
        row.get("id"): {
            **numbers(row, "latitude", "longitude"),
            "addresses": [
                {**address, "address_type": address.get("address_type") or "physical"}
                for address in addresses.get(row.get("id"), [])
            ],
        }
        for row in tables["locations"]
    }
    links, phones = by("service_at_location", "service_id"), by("phones", "service_id")
    languages, areas = by("languages", "service_id"), by("service_areas", "service_id")
    costs = by("cost_options", "service_id")
    attributes = {}
    for row in tables["attributes"]:
        # 3.0 links an attribute to any entity; 2.0 and 1.1 link terms to services only.
        if row.get("link_id"):
            if row.get("link_type", "service") != "service" and row.get("link_entity") != "service":
                continue
            service, term = row["link_id"], row.get("taxonomy_term_id")
        else:
            service, term = row.get("service_id"), row.get("taxonomy_term_id") or row.get("taxonomy_id")
        attributes.setdefault(service, []).append({**row, "taxonomy_term": terms.get(term, {"id": term})})
    services = []
    for row in tables["services"]:
        service = {key: value for key, value in row.items() if value}
        sid = row.get("id", "")
        if row.get("organization_id") in organizations:
            service["organization"] = organizations[row["organization_id"]]
        service["phones"] = phones.get(sid, [])
        service["languages"] = [
            {**language, "name": language.get("name") or language_name(language.get("language", ""))}
            for language in languages.get(sid, [])
        ]
        service["service_areas"] = [
            {**area, "name": area.get("name") or area.get("service_area", "")} for area in areas.get(sid, [])
        ]
        service["cost_options"] = [numbers(cost, "amount") for cost in costs.get(sid, [])]
        service["attributes"] = attributes.get(sid, [])
        service["service_at_locations"] = [
            {**link, "location": locations.get(link.get("location_id"), {"id": link.get("location_id")})}
            for link in links.get(sid, [])
        ]
        services.append(service)
    return services


def language_name(code):
    """English, from an ISO 639-1 code such as HSDS 1.x gives ("es"); the code itself when unknown."""
    code = code.strip().lower()
    return (LANG_INFO.get(code) or {}).get("name") or MORE_LANGUAGES.get(code) or code


# Parsing


class ServiceParser:
    """Turns one service document into a ProviderRecord, naming what it cannot use as problems."""

    def __init__(self, feed):
        self.feed = feed
        self.credentials = {
            abbreviation.lower(): abbreviation
            for abbreviation in Credential.objects.values_list("abbreviation", flat=True)
        }

    def hsds_id(self, value, kind="service"):
        """The source's id if it is a UUID (HSDS 3.0), else a UUID derived from it (HSDS 1.x ids are often
        integers): the same source id always gives the same id here."""
        if value in (None, ""):
            return None
        return parse_uuid(value) or str(uuid.uuid5(NAMESPACE, f"{self.feed}:{kind}:{value}"))

    def parse(self, service, number):
        sid = self.hsds_id(service.get("id"))
        label = f"service {service.get('id') or f'number {number}'}"
        problems = []

        def fail(column, message):
            problems.append(Problem(label, column, message))

        def text(value):
            return str(value).strip() if isinstance(value, str | int | float) else ""

        if sid is None:
            fail("id", "is missing")
        organization = service.get("organization") if isinstance(service.get("organization"), dict) else {}
        values = {
            "name": text(service.get("name")),
            "description": text(service.get("description")) or text(organization.get("description")),
            "website": text(service.get("url")) or text(organization.get("website")) or text(organization.get("url")),
            "email": text(service.get("email")) or text(organization.get("email")),
            "is_sample": False,
        }
        status = text(service.get("status")).lower() or "active"
        if status not in STATUSES:
            fail("status", f"{status!r} is not active, inactive, defunct or temporarily closed")
        numbers = [text(phone.get("number")) for phone in service.get("phones") or [] if isinstance(phone, dict)]
        values["phone"] = next((number for number in numbers if number), "")
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
        # Service areas that are states are where the service may be used from (telehealth licences).
        states = [
            text(area.get("name")).upper() for area in service.get("service_areas") or [] if isinstance(area, dict)
        ]
        values["telehealth_states"] = ", ".join(
            dict.fromkeys(state for state in states if re.fullmatch(r"[A-Z]{2}", state))
        )

        terms, term_problems = self.terms(service.get("attributes") or [])
        for column, message in term_problems:
            fail(column, message)
        locations, has_virtual = self.locations(sid, service.get("service_at_locations") or [], fail)
        values["kind"] = (terms.get("kind") or [Provider.Kind.PROGRAM])[0]
        for group, (_, flags) in CHOICE_FILTERS.items():
            for value, model_field in flags.items():
                values[model_field] = value in terms.get(group, [])
        if terms:
            for value, (_, model_field) in FEATURES.items():
                values[model_field] = value in terms.get("feature", [])
        else:
            # Another directory's data says nothing of these: derive what the locations show, claim nothing else.
            values.update(telehealth=has_virtual, in_person=bool(locations), accepting_new_clients=None)
        licenses = [part.strip().lower() for part in re.split(r"[,;]", text(service.get("licenses"))) if part.strip()]
        record_terms = {
            "therapies": terms.get("therapy", []),
            "levels": terms.get("level", []),
            "credentials": [self.credentials[name] for name in licenses if name in self.credentials],
            "languages": [
                text(language.get("name")) for language in service.get("languages") or [] if text(language.get("name"))
            ],
            "specialties": terms.get("issue_names", []),
            "insurers": terms.get("insurance_names", []),
        }
        record = ProviderRecord(
            label,
            f"{EXTERNAL_PREFIX}{sid}",
            values,
            record_terms,
            locations,
            status=None if status == "active" else Provider.Status.HIDDEN,
        )
        return record, problems

    def terms(self, attributes):
        """{group: [value]} from attributes that carry this directory's taxonomy terms; others are ignored."""
        found, problems = {}, []
        known = {
            "kind": Provider.Kind.values,
            "age": CHOICE_FILTERS["age"][1],
            "payment": CHOICE_FILTERS["payment"][1],
            "crisis": CHOICE_FILTERS["crisis"][1],
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
                found.setdefault(f"{group}_names", []).append(str(term.get("name") or value))
            elif group in known and value not in known[group]:
                problems.append(("attributes", f"unknown {TERM_GROUPS[group].lower()} {value!r}"))
                continue
            found.setdefault(group, []).append(value)
        return found, problems

    def locations(self, sid, links, fail):
        locations, has_virtual = [], False
        for link in links:
            location = link.get("location") if isinstance(link, dict) else None
            if not isinstance(location, dict):
                fail("service_at_locations", "has no location")
                continue
            lid = self.hsds_id(location.get("id"), "location")
            link_id = self.hsds_id(link.get("id"), "service_at_location")
            where = f"location {location.get('id')}"
            if lid is None or link_id is None:
                fail("service_at_locations", f"{where}: the location and service_at_location need ids")
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
            state = str(address.get("state_province") or "").strip().upper()
            postal_code = str(address.get("postal_code") or "").strip()
            zip_match = ZIP_PATTERN.match(postal_code)
            if not zip_match:
                fail("service_at_locations", f"{where}: postal_code {postal_code!r} is not a US ZIP code")
                continue
            latitude, longitude = location.get("latitude"), location.get("longitude")
            approximate = not (isinstance(latitude, int | float) and isinstance(longitude, int | float))
            if approximate:
                place = locate(zip_match.group(1))
                if place is None:
                    fail(
                        "service_at_locations",
                        f"{where}: no latitude and longitude, and ZIP code {zip_match.group(1)} is unknown",
                    )
                    continue
                latitude, longitude = place.latitude, place.longitude
            locations.append(
                LocationRecord(
                    external_id=f"{EXTERNAL_PREFIX}{lid}/{link_id}",
                    street=str(address.get("address_1") or "").strip(),
                    city=str(address.get("city") or "").strip(),
                    state=state,
                    zip_code=zip_match.group(1),
                    latitude=latitude,
                    longitude=longitude,
                    approximate=approximate,
                )
            )
        return locations, has_virtual


def under_taxonomy(service, wanted):
    """Whether a service carries one of the `wanted` terms, given by id, code or name, or a term below one: its
    parent is a wanted term (HSDS 1.x names parents), or its code continues a wanted code (211 taxonomy codes
    such as RP-1500.1400 sit under RP-1500 and RP)."""
    wanted = {value.strip().lower() for value in wanted if value.strip()}
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if not isinstance(term, dict):
            continue
        keys = {str(term.get(key) or "").strip().lower() for key in ("id", "code", "name", "parent_id", "parent_name")}
        code = str(term.get("code") or "").strip().lower()
        if keys & wanted or any(code.startswith((f"{prefix}.", f"{prefix}-")) for prefix in wanted):
            return True
    return False


# Importing


def import_services(
    services,
    feed="hsds",
    dry_run=False,
    publish=False,
    strict=False,
    full=False,
    taxonomy=(),
    source="",
    progress=lambda items: items,
):
    """Parse every service and hand the records to the writer: bad ones are named and skipped (all-or-nothing
    with `strict`); with `full`, the feed's listings the file leaves out are withdrawn."""
    outcome = ImportOutcome(result=None)
    if taxonomy:
        kept = [service for service in services if isinstance(service, dict) and under_taxonomy(service, taxonomy)]
        outcome.outside_taxonomy = len(services) - len(kept)
        services = kept
    parser, records = ServiceParser(feed), []
    for number, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            outcome.problems.append(Problem(f"service number {number}", "service", "is not an object"))
            continue
        record, problems = parser.parse(service, number)
        if source:
            record.values["source"] = source
        if problems:
            outcome.problems += problems
        else:
            records.append(record)
    writer = ProviderWriter(
        feed,
        new_status=Provider.Status.PUBLISHED if publish else Provider.Status.PENDING,
        publish_existing=publish,
        strict=strict,
        full=full,
        change_reason=f"Imported from HSDS ({feed})",
    )
    if strict and outcome.problems:
        # The services that parsed are checked too, so that one run lists every problem in the file.
        outcome.problems += writer.check(records)[1]
        outcome.result = ImportResult()
    else:
        outcome.result = writer.write(records, dry_run=dry_run, progress=progress)
        outcome.problems += outcome.result.problems
    outcome.result.skipped = len({problem.label for problem in outcome.problems})
    return outcome
