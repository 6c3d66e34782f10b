"""Loads the curated pages and sources in content/data/ into the database.

Idempotent: a page or source is created when missing and updated when its file changed, but never
when an editor has changed it in admin since the last load (its fields no longer match the hash the
loader stored).
"""

import hashlib
import json
import tomllib
from datetime import date
from pathlib import Path

from django.db import transaction

from .models import EvidenceFinding, LevelFacts, Page, Reviewer, Source, TherapyFacts, ToolReview

DATA_DIR = Path(__file__).resolve().parent / "data"
REVIEWED_ON = date(2026, 11, 25)
# The reader tools' words (templates/content/safety_plan.html, start.html) were last revised on this date.
TOOLS_REVIEWED_ON = date(2026, 12, 7)
SAMPLE_REVIEWER = {"name": "Sample reviewer — replace before launch", "credentials": "placeholder, not a clinician"}
PAGE_FIELDS = ["title", "kind", "audience", "summary", "content_note", "body", "order"]
SOURCE_FIELDS = ["authors", "title", "publisher", "year", "url", "doi", "kind"]
LEVEL_FIELDS = ["setting", "hours_per_week", "typical_length", "who_it_suits", "stepping"]
THERAPY_FIELDS = [
    "full_name",
    "abbreviation",
    "formats",
    "typical_length",
    "developed_for",
    "evidence_summary",
]
FINDING_FIELDS = ["ages", "outcome", "effect", "certainty", "source"]


class CuratedDataError(Exception):
    pass


def fingerprint(values):
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def read_page_file(path):
    text = path.read_text(encoding="utf-8")
    try:
        _, front, body = text.split("+++", 2)
        meta = tomllib.loads(front)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise CuratedDataError(f"{path.name}: front matter is not valid TOML between +++ lines ({error})") from None
    meta["body"] = body.strip() + "\n"
    if meta.get("slug") != path.stem:
        raise CuratedDataError(f"{path.name}: slug {meta.get('slug')!r} does not match the file name")
    therapy = meta.get("therapy")
    if therapy and isinstance(therapy.get("formats"), list):
        therapy["formats"] = ", ".join(therapy["formats"])
    if therapy:
        therapy["evidence"] = [_read_finding(path, finding) for finding in therapy.get("evidence", [])]
    return meta


def _read_finding(path, finding):
    """One [[therapy.evidence]] table, with every value one the model accepts."""
    allowed = {
        "ages": EvidenceFinding.Ages.values,
        "effect": EvidenceFinding.Effect.values,
        "certainty": EvidenceFinding.Certainty.values,
    }
    if set(finding) != set(FINDING_FIELDS):
        raise CuratedDataError(f"{path.name}: each [[therapy.evidence]] needs exactly {', '.join(FINDING_FIELDS)}")
    for field, values in allowed.items():
        if finding[field] not in values:
            raise CuratedDataError(f"{path.name}: evidence {field} {finding[field]!r} is not one of {values}")
    if finding["effect"] == EvidenceFinding.Effect.NOT_ASSESSED and finding["certainty"]:
        raise CuratedDataError(f"{path.name}: a not_assessed finding has no certainty word")
    return {field: finding[field] for field in FINDING_FIELDS}


def read_sources(data_dir=DATA_DIR):
    sources = {}
    for path in sorted((data_dir / "sources").glob("*.toml")):
        for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("source", []):
            key = entry["key"]
            if key in sources and sources[key]["url"] != entry["url"]:
                raise CuratedDataError(f"source {key} has two different URLs: {sources[key]['url']} and {entry['url']}")
            sources.setdefault(key, entry)
    return sources


def page_state(page):
    values = {field: getattr(page, field) for field in PAGE_FIELDS}
    values["status"] = page.status
    level = getattr(page, "level_facts", None)
    therapy = getattr(page, "therapy_facts", None)
    values["level"] = {f: getattr(level, f) for f in LEVEL_FIELDS} if level else None
    values["therapy"] = {f: getattr(therapy, f) for f in THERAPY_FIELDS} if therapy else None
    if therapy:
        values["therapy"]["evidence"] = [
            {**{f: getattr(finding, f) for f in FINDING_FIELDS}, "source": finding.source.key}
            for finding in page.evidence_findings.all()
        ]
    return values


def file_state(meta):
    values = {field: meta.get(field, "") for field in PAGE_FIELDS}
    values["order"] = meta.get("order", 100)
    values["status"] = Page.Status.PUBLISHED
    values["level"] = {f: meta["level"][f] for f in LEVEL_FIELDS} if meta.get("level") else None
    values["therapy"] = {f: meta["therapy"][f] for f in [*THERAPY_FIELDS, "evidence"]} if meta.get("therapy") else None
    return values


@transaction.atomic
def load_sources(data_dir=DATA_DIR):
    changed = 0
    existing = {source.key: source for source in Source.objects.all()}
    for key, entry in read_sources(data_dir).items():
        values = {field: entry.get(field, "") for field in SOURCE_FIELDS}
        values["year"] = entry.get("year")
        wanted = fingerprint(values)
        source = existing.get(key)
        if source is None:
            Source.objects.create(key=key, curated_hash=wanted, **values)
            changed += 1
            continue
        current = fingerprint({field: getattr(source, field) for field in SOURCE_FIELDS})
        if current != source.curated_hash or current == wanted:
            continue
        for field, value in values.items():
            setattr(source, field, value)
        source.curated_hash = wanted
        source.save()
        changed += 1
    return changed


@transaction.atomic
def load_pages(data_dir=DATA_DIR):
    reviewer = _sample_reviewer()
    # English pages first, so a translation can point at the page it translates.
    paths = sorted((data_dir / "pages").glob("*.md")) + sorted((data_dir / "pages" / "es").glob("*.md"))
    metas = [read_page_file(path) for path in paths]
    stored = Page.objects.select_related("level_facts", "therapy_facts").prefetch_related("evidence_findings__source")
    pages = {(page.language, page.slug): page for page in stored}
    changed = []
    for meta in metas:
        language = meta.get("language", Page.Language.ENGLISH)
        page = pages.get((language, meta["slug"]))
        wanted = file_state(meta)
        if page is not None:
            current = fingerprint(page_state(page))
            if current != page.curated_hash or current == fingerprint(wanted):
                continue
        else:
            page = Page(slug=meta["slug"], language=language, reviewer=reviewer)
        # A page revised in its file carries the date of that revision; the rest keep the first review date.
        reviewed_on = meta.get("reviewed_on", REVIEWED_ON)
        if page.reviewed_on != reviewed_on:
            page.reviewed_on, page.next_review_due = reviewed_on, None  # due a year after the new review
        for field in PAGE_FIELDS:
            setattr(page, field, wanted[field])
        if meta.get("translation_of"):
            original = pages.get((Page.Language.ENGLISH, meta["translation_of"]))
            if original is None:
                raise CuratedDataError(
                    f"{meta['slug']}: translation_of names no English page {meta['translation_of']!r}"
                )
            page.translation_of = original
        page.status = Page.Status.PUBLISHED
        page.save()
        _save_facts(page, meta)
        page.curated_hash = fingerprint(wanted)
        Page.objects.filter(pk=page.pk).update(curated_hash=page.curated_hash)
        pages[(language, page.slug)] = page
        changed.append((language, page.slug))
    for meta in metas:
        key = (meta.get("language", Page.Language.ENGLISH), meta["slug"])
        if key in changed:
            related = [pages[(key[0], slug)] for slug in meta.get("related", []) if (key[0], slug) in pages]
            pages[key].related.set(related)
    return len(changed)


def _save_facts(page, meta):
    if meta.get("level"):
        LevelFacts.objects.update_or_create(page=page, defaults={f: meta["level"][f] for f in LEVEL_FIELDS})
    if meta.get("therapy"):
        facts, _ = TherapyFacts.objects.update_or_create(
            page=page, defaults={f: meta["therapy"][f] for f in THERAPY_FIELDS}
        )
        facts.evidence_sources.set(Source.objects.filter(key__in=meta["therapy"].get("evidence_sources", [])))
        sources = {
            source.key: source
            for source in Source.objects.filter(key__in=[f["source"] for f in meta["therapy"]["evidence"]])
        }
        page.evidence_findings.all().delete()
        findings = []
        for order, finding in enumerate(meta["therapy"]["evidence"]):
            if finding["source"] not in sources:
                raise CuratedDataError(f"{page.slug}: evidence cites no source with the key {finding['source']!r}")
            findings.append(
                EvidenceFinding(page=page, order=order, **{**finding, "source": sources[finding["source"]]})
            )
        for finding in findings:
            finding.full_clean()
        EvidenceFinding.objects.bulk_create(findings)


def load_tool_reviews():
    """A review byline for each reader tool that has none; never changes one an editor has set."""
    reviewer = _sample_reviewer()
    created = 0
    for tool in ToolReview.Tool.values:
        _, was_created = ToolReview.objects.get_or_create(
            tool=tool, defaults={"reviewer": reviewer, "reviewed_on": TOOLS_REVIEWED_ON}
        )
        created += was_created
    return created


def _sample_reviewer():
    reviewer, _ = Reviewer.objects.get_or_create(
        name=SAMPLE_REVIEWER["name"], defaults={**SAMPLE_REVIEWER, "is_sample": True}
    )
    return reviewer
