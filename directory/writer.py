"""The one writer of providers: every import (our CSV, HSDS feeds, SAMHSA's directory) hands it plain records.

A parser turns its source into ProviderRecords and names what it cannot read. The writer checks each record
with the models' own validators (so imports, admin and the shell obey the same rules), then writes the valid
ones in bulk:

- a new listing is created with its locations and terms;
- a listing that exists is updated field by field, except the fields a moderator edited since its feed last
  wrote them (`Provider.imported` keeps what the feed wrote): those stay as the moderator left them;
- a listing whose data did not change is not written at all: no `updated_at`, no history row;
- locations keep their ids across imports: they are matched on their external id;
- with `full=True` (the feed's complete export), the feed's listings the records no longer include are
  withdrawn, and a withdrawn listing that comes back is published again;
- facets, search entries and the content version are refreshed once, after everything is written.
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from content.models import Page
from pagecache.version import bump_content_version

from .models import (
    Credential,
    Insurer,
    Language,
    Location,
    Population,
    Provider,
    Specialty,
    VerifiedBy,
    free_slug,
    spell_states,
)

# The relations a record names by text: pages by slug, credentials by abbreviation (both must exist),
# and the directory's own terms by name (created when new).
PAGE_RELATIONS = {"therapies": {"kind": Page.Kind.THERAPY}, "levels": {"kind": Page.Kind.LEVEL}}
NAMED_TERMS = {"specialties": Specialty, "populations": Population, "languages": Language, "insurers": Insurer}
RELATIONS = [*PAGE_RELATIONS, "credentials", *NAMED_TERMS]
# Fields a record never sets: the writer and moderators own them.
WRITER_FIELDS = {"id", "slug", "status", "external_id", "feed", "imported", "created_at", "updated_at"}
LOCATION_FIELDS = ["street", "city", "state", "zip_code", "latitude", "longitude", "approximate"]
# A listing's verification is replaced only by a newer one: an import never undoes a provider's confirmation.
VERIFICATION_FIELDS = {"last_verified", "verified_by"}
# Bulk updates through this leave facets and search entries to write(), which refreshes them once at the end.
WITHOUT_REFRESH = Provider.objects.facets_refreshed_by_caller()
# SQLite allows a limited number of parameters in one statement; PostgreSQL does not mind small batches.
BATCH = 500


@dataclass
class LocationRecord:
    external_id: str
    street: str
    city: str
    state: str
    zip_code: str
    latitude: float
    longitude: float
    approximate: bool = True

    def values(self):
        return {name: value for name, value in asdict(self).items() if name != "external_id"}


@dataclass
class ProviderRecord:
    """One listing as its source gives it. `label` names it in problems ("row 12", "service <id>")."""

    label: str
    external_id: str
    values: dict
    terms: dict = field(default_factory=dict)
    locations: list = field(default_factory=list)
    # What the source says the listing's status is (an HSDS service marked inactive is hidden), or None:
    # then a new listing starts as the writer's new_status and moderators decide the rest.
    status: str | None = None

    def __post_init__(self):
        # A date the source gives is the source's verification: "From <source>, as of <date>".
        if "last_verified" in self.values:
            self.values.setdefault("verified_by", VerifiedBy.IMPORT if self.values["last_verified"] else "")


@dataclass(frozen=True)
class Problem:
    label: str
    field: str
    message: str

    def __str__(self):
        return f"{self.label}, {self.field}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    # Fields left as a moderator edited them, though the source now says otherwise.
    kept_edits: int = 0
    problems: list = field(default_factory=list)
    # The records the problems belong to, which were not written.
    skipped: int = 0

    def summary(self):
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.withdrawn:
            text += f", {self.withdrawn} withdrawn"
        if self.kept_edits:
            text += f", {self.kept_edits} moderator edit(s) kept"
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text


def stored(value):
    """A field's value as `Provider.imported` keeps it (JSON)."""
    return value.isoformat() if isinstance(value, date) else value


class ProviderWriter:
    """Writes one feed's records. `new_status` is what a new listing starts as (pending for a source that a
    moderator should check first, published for a public source); `strict` writes nothing if any record has
    a problem; `full` withdraws the feed's listings that the records leave out."""

    def __init__(
        self,
        feed,
        *,
        new_status=Provider.Status.PENDING,
        publish_existing=False,
        update_existing=True,
        strict=False,
        full=False,
        change_reason="",
    ):
        self.feed = feed
        self.new_status = new_status
        self.publish_existing = publish_existing
        self.update_existing = update_existing
        self.strict = strict
        self.full = full
        self.change_reason = change_reason or f"Imported from {feed}"
        self.pages = {
            relation: dict(Page.objects.filter(**lookup).values_list("slug", "pk"))
            for relation, lookup in PAGE_RELATIONS.items()
        }
        self.pages["levels"] = dict(
            Page.objects.filter(kind=Page.Kind.LEVEL, level_facts__isnull=False).values_list("slug", "pk")
        )
        credentials = Credential.objects.values_list("abbreviation", "pk")
        self.credentials = {abbreviation.lower(): pk for abbreviation, pk in credentials}
        self.credential_names = {abbreviation.lower(): abbreviation for abbreviation, _ in credentials}

    # Checking

    def check(self, records):
        """(records that can be written, problems): every record checked with the models' own rules."""
        valid, problems, seen, seen_locations = [], [], {}, {}
        for record in records:
            found = self.problems_of(record)
            if record.external_id in seen:
                found.append(
                    Problem(record.label, "external_id", f"{record.external_id!r} repeats {seen[record.external_id]}")
                )
            seen.setdefault(record.external_id, record.label)
            for location in record.locations:
                if location.external_id in seen_locations:
                    found.append(
                        Problem(
                            record.label, "locations", f"a location id repeats {seen_locations[location.external_id]}"
                        )
                    )
                seen_locations.setdefault(location.external_id, record.label)
            if found:
                problems.extend(found)
            else:
                valid.append(record)
        return valid, problems

    def problems_of(self, record):
        problems = []
        unknown = set(record.values) & WRITER_FIELDS
        if unknown:
            raise ValueError(f"a record cannot set {', '.join(sorted(unknown))}")
        if "telehealth_states" in record.values:
            record.values["telehealth_states"] = spell_states(record.values["telehealth_states"])
        provider = Provider(**record.values, external_id=record.external_id, slug="checking")
        try:
            # Constraints are checked by clean() without a query each (CheckConstraint.validate asks the database).
            provider.full_clean(exclude=["slug", "external_id"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems += [
                Problem(record.label, name, message)
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        for relation, names in record.terms.items():
            if relation in PAGE_RELATIONS:
                missing = [slug for slug in names if slug not in self.pages[relation]]
            elif relation == "credentials":
                missing = [name for name in names if name.lower() not in self.credentials]
            elif relation in NAMED_TERMS:
                missing = []
            else:
                raise ValueError(f"unknown relation {relation!r}")
            if missing:
                problems.append(Problem(record.label, relation, f"unknown {', '.join(missing)}"))
        for location in record.locations:
            try:
                Location(**location.values()).full_clean(
                    exclude=["provider", "external_id"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    where = f"{location.street}, {location.city} {location.zip_code}"
                    problems += [Problem(record.label, f"location {where}, {name}", message) for message in messages]
        return problems

    # Writing

    def write(self, records, dry_run=False, progress=lambda items: items, listed=()):
        """Check and write the records. `listed`: external ids of listings the source still lists though their
        records could not be used (a row with a bad phone): with `full`, those are not withdrawn."""
        result = ImportResult()
        valid, result.problems = self.check(records)
        result.skipped = len({problem.label for problem in result.problems})
        if self.strict and result.problems:
            return result
        existing = self.existing_providers([record.external_id for record in valid])
        terms = TermResolver(self)
        current_terms = self.current_terms(existing)
        current_locations = self.current_locations(existing)
        creates, updates, relations, locations = [], [], {}, {}
        slugs = None
        for record in progress(valid):
            wanted_terms = terms.keys_for(record)
            provider = existing.get(record.external_id)
            if provider is None:
                if slugs is None:  # every slug in use, read once: a query per new listing would dominate
                    slugs = set(Provider.objects.values_list("slug", flat=True))
                slug = free_slug(record.values.get("name", ""), slugs.__contains__)
                slugs.add(slug)
                provider = Provider(
                    **record.values,
                    external_id=record.external_id,
                    feed=self.feed,
                    slug=slug,
                    status=record.status or self.new_status,
                )
                provider.imported = self.snapshot(record, wanted_terms)
                creates.append(provider)
                relations[record.external_id] = wanted_terms
                locations[record.external_id] = record.locations
                continue
            if not self.update_existing:
                result.unchanged += 1
                continue
            changed, kept = self.merge(provider, record, wanted_terms, current_terms, current_locations)
            result.kept_edits += kept
            if changed:
                updates.append(provider)
                relations[record.external_id] = changed["terms"]
                if changed["locations"]:
                    locations[record.external_id] = record.locations
            else:
                result.unchanged += 1
        result.created, result.updated = len(creates), len(updates)
        # Read before anything is written: the listings created below are not in `existing` either.
        listed = {*listed, *(record.external_id for record in records)}
        withdrawn = self.absent(existing, listed) if self.full else []
        result.withdrawn = len(withdrawn)
        if dry_run:
            return result
        with transaction.atomic():
            terms.create_missing()
            touched = self.save(creates, updates, withdrawn)
            self.write_terms(touched, relations, terms)
            self.write_locations(touched, locations, current_locations)
            if touched:
                ids = [provider.pk for provider in touched.values()]
                for start in range(0, len(ids), 10_000):
                    batch = Provider.objects.filter(pk__in=ids[start : start + 10_000])
                    batch.refresh_facets()
                    # A newer verification from the source counts readers' reports afresh.
                    for provider in batch.filter(problem_reported=True):
                        provider.refresh_problem_flag()
                bump_content_version()
        return result

    def existing_providers(self, external_ids):
        found = {}
        for start in range(0, len(external_ids), BATCH):
            batch = external_ids[start : start + BATCH]
            found.update(
                {provider.external_id: provider for provider in Provider.objects.filter(external_id__in=batch)}
            )
        return found

    def current_terms(self, existing):
        """{provider id: {relation: sorted keys}} for the listings that exist, one query per relation."""
        by_pk = {provider.pk: provider for provider in existing.values()}
        current = {pk: {relation: [] for relation in RELATIONS} for pk in by_pk}
        ids = list(by_pk)
        for relation in RELATIONS:
            field_ = Provider._meta.get_field(relation)
            through = field_.remote_field.through
            target = field_.m2m_reverse_field_name()
            key = {"therapies": "slug", "levels": "slug", "credentials": "abbreviation"}.get(relation, "name")
            for start in range(0, len(ids), BATCH):
                rows = through.objects.filter(provider_id__in=ids[start : start + BATCH]).values_list(
                    "provider_id", f"{target}__{key}"
                )
                for pk, value in rows:
                    current[pk][relation].append(value)
        for keys in current.values():
            for relation in keys:
                keys[relation] = sorted(keys[relation], key=str.lower)
        return current

    def current_locations(self, existing):
        ids = [provider.pk for provider in existing.values()]
        current = {pk: [] for pk in ids}
        for start in range(0, len(ids), BATCH):
            for location in Location.objects.filter(provider_id__in=ids[start : start + BATCH]).order_by("pk"):
                current[location.provider_id].append(location)
        return current

    def snapshot(self, record, terms):
        return {
            "values": {name: stored(value) for name, value in record.values.items()},
            "terms": terms,
            "locations": [stored_location(location) for location in record.locations],
        }

    def merge(self, provider, record, wanted_terms, current_terms, current_locations):
        """Apply the record to an existing listing, keeping moderators' edits. Returns (what changed, or None;
        how many edits were kept)."""
        before = provider.imported or {}
        written = before.get("values", {})
        kept, changed_fields = 0, []
        verified_on = record.values.get("last_verified")
        newer = verified_on is not None and (provider.last_verified is None or verified_on > provider.last_verified)
        for name, value in record.values.items():
            current = stored(getattr(provider, name))
            if name in VERIFICATION_FIELDS:
                if newer and current != stored(value):
                    setattr(provider, name, value)
                    changed_fields.append(name)
                continue
            if name in written and written[name] != current:
                kept += current != stored(value)  # a moderator's edit, and the source disagrees with it
                continue
            if current != stored(value):
                setattr(provider, name, value)
                changed_fields.append(name)
        terms_now = current_terms[provider.pk]
        written_terms = before.get("terms", {})
        changed_terms = {}
        for relation in RELATIONS:
            wanted = wanted_terms.get(relation, [])
            if relation in written_terms and written_terms[relation] != terms_now[relation]:
                kept += terms_now[relation] != wanted
                continue
            if terms_now[relation] != wanted:
                changed_terms[relation] = wanted
        locations_now = [stored_location(location) for location in current_locations[provider.pk]]
        wanted_locations = [stored_location(location) for location in record.locations]
        written_locations = before.get("locations")
        if written_locations is not None and written_locations != locations_now:
            kept += locations_now != wanted_locations
            changed_locations = False
        else:
            changed_locations = locations_now != wanted_locations
        status = provider.status
        if record.status:
            status = record.status
        elif provider.status == Provider.Status.WITHDRAWN or self.publish_existing:
            status = Provider.Status.PUBLISHED
        if status != provider.status:
            provider.status = status
            changed_fields.append("status")
        snapshot = self.snapshot(record, wanted_terms)
        if not (changed_fields or changed_terms or changed_locations):
            if snapshot != before:
                # What the source says changed where a moderator's edit stands: remember it, change nothing.
                Provider.objects.filter(pk=provider.pk).update(imported=snapshot)
            return None, kept
        provider.imported = snapshot
        provider.feed = self.feed
        provider._changed_fields = [*changed_fields, "imported", "feed"]
        return {"terms": changed_terms, "locations": changed_locations}, kept

    def absent(self, existing, listed):
        """The feed's listings that the source no longer lists, not yet withdrawn (moderators' hidden ones stay)."""
        statuses = [Provider.Status.PUBLISHED, Provider.Status.PENDING]
        feed = Provider.objects.filter(feed=self.feed, status__in=statuses)
        present = set(existing) | set(listed)
        gone = [pk for pk, external_id in feed.values_list("pk", "external_id") if external_id not in present]
        return list(Provider.objects.filter(pk__in=gone)) if gone else []

    def save(self, creates, updates, withdrawn):
        """Create, update and withdraw listings, each with a history row; returns {external id: provider}."""
        now = timezone.now()
        for provider in creates:
            provider.created_at = provider.updated_at = now
            provider.normalize()
        created = bulk_create_with_history(
            creates, Provider, batch_size=BATCH, default_change_reason=self.change_reason
        )
        touched = {provider.external_id: provider for provider in created}
        by_fields = {}
        for provider in updates:
            provider.updated_at = now
            provider.normalize()
            by_fields.setdefault(tuple(sorted({*provider._changed_fields, "updated_at"})), []).append(provider)
        for fields, providers in by_fields.items():
            bulk_update_with_history(
                providers,
                Provider,
                list(fields),
                batch_size=BATCH,
                default_change_reason=self.change_reason,
                manager=WITHOUT_REFRESH,
            )
            touched.update({provider.external_id: provider for provider in providers})
        gone = withdrawn
        for provider in gone:
            provider.status, provider.updated_at = Provider.Status.WITHDRAWN, now
        bulk_update_with_history(
            gone,
            Provider,
            ["status", "updated_at"],
            batch_size=BATCH,
            default_change_reason=f"No longer in {self.feed}: withdrawn",
            manager=WITHOUT_REFRESH,
        )
        touched.update({provider.external_id: provider for provider in gone})
        return touched

    def write_terms(self, touched, relations, terms):
        for relation in RELATIONS:
            field_ = Provider._meta.get_field(relation)
            through = field_.remote_field.through
            target = f"{field_.m2m_reverse_field_name()}_id"
            providers = [
                touched[external_id].pk
                for external_id, wanted in relations.items()
                if relation in wanted and external_id in touched
            ]
            for start in range(0, len(providers), BATCH):
                through.objects.filter(provider_id__in=providers[start : start + BATCH]).delete()
            rows = [
                through(provider_id=touched[external_id].pk, **{target: term})
                for external_id, wanted in relations.items()
                if relation in wanted and external_id in touched
                for term in terms.ids(relation, wanted[relation])
            ]
            through.objects.bulk_create(rows, batch_size=BATCH)

    def write_locations(self, touched, wanted, current):
        """Locations matched on external id keep their row (and id); the rest are added or removed."""
        creates, updates, deletes = [], [], []
        for external_id, records in wanted.items():
            provider = touched[external_id]
            existing = {location.external_id: location for location in current.get(provider.pk, [])}
            for record in records:
                location = existing.pop(record.external_id, None)
                if location is None:
                    creates.append(Location(provider=provider, external_id=record.external_id, **record.values()))
                elif stored_location(location) != stored_location(record):
                    for name, value in record.values().items():
                        setattr(location, name, value)
                    updates.append(location)
            deletes += [location.pk for location in existing.values()]
        for start in range(0, len(deletes), BATCH):
            Location.objects.filter(pk__in=deletes[start : start + BATCH]).delete()
        Location.objects.bulk_update(updates, LOCATION_FIELDS, batch_size=BATCH)
        Location.objects.bulk_create(creates, batch_size=BATCH)


def stored_location(location):
    return {name: getattr(location, name) for name in ["external_id", *LOCATION_FIELDS]}


class TermResolver:
    """A record's terms as the keys the listing stores (slugs, abbreviations, names), and their ids."""

    def __init__(self, writer):
        self.writer = writer
        self.named = {
            relation: {name.lower(): (name, pk) for name, pk in model.objects.values_list("name", "pk")}
            for relation, model in NAMED_TERMS.items()
        }
        self.new = {relation: {} for relation in NAMED_TERMS}

    def keys_for(self, record):
        keys = {}
        for relation in RELATIONS:
            names = record.terms.get(relation, [])
            if relation in NAMED_TERMS:
                resolved = []
                for name in names:
                    known = self.named[relation].get(name.lower()) or self.new[relation].get(name.lower())
                    if known is None:
                        self.new[relation][name.lower()] = known = (name, None)
                    resolved.append(known[0])
                names = resolved
            elif relation == "credentials":
                names = [self.writer.credential_names[name.lower()] for name in names]
            keys[relation] = sorted(dict.fromkeys(names), key=str.lower)
        return keys

    def create_missing(self):
        for relation, model in NAMED_TERMS.items():
            for key, (name, _) in list(self.new[relation].items()):
                term = model.objects.create(name=name, slug=unique_term_slug(model, name))
                self.named[relation][key] = (term.name, term.pk)
            self.new[relation] = {}

    def ids(self, relation, keys):
        if relation in PAGE_RELATIONS:
            return [self.writer.pages[relation][slug] for slug in keys]
        if relation == "credentials":
            return [self.writer.credentials[name.lower()] for name in keys]
        return [self.named[relation][name.lower()][1] for name in keys]


def unique_term_slug(model, name):
    return free_slug(name.replace("+", " plus"), lambda slug: model.objects.filter(slug=slug).exists(), "term")
