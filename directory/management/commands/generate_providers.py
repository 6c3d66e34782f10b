"""Synthetic providers for scale tests: their rows, relations and facets written straight to the tables."""

import csv
import io
import json
import random
from contextlib import contextmanager
from datetime import timedelta
from itertools import islice

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone
from tqdm import tqdm

from content.models import Page
from directory.geo import _index
from directory.models import (
    AGE_FIELDS,
    FACET_RELATIONS,
    LICENSED_IN,
    PAYMENT_FIELDS,
    Language,
    Location,
    Provider,
    ProviderFacet,
    SearchEntry,
    Specialty,
    facet_flags,
    states_in,
    write_search_entries,
)
from pagecache.version import bump_content_version

BATCH = 10000
FIRST = ["Avery", "Jordan", "Riley", "Sam", "Casey", "Morgan", "Quinn", "Rowan", "Skyler", "Taylor"]
STATES = ["CA", "NY", "TX", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "WA", "OR"]
PLACES = ["Maple", "Harbor", "Cedar", "Willow", "Summit", "River", "Meadow", "Oak", "Pine", "Lake"]
KINDS = Provider.Kind.values
# The payment options the synthetic set was first made with: later options stay off, so the same seed
# gives the same listings, and benchmarks stay comparable across versions.
FLAGS = [
    *AGE_FIELDS.values(),
    *(PAYMENT_FIELDS[option] for option in ("medicaid", "medicare", "sliding_scale", "self_pay")),
]
RELATIONS = {"therapies": 3, "levels": 2, "specialties": 3, "languages": 2}  # and how many terms at most


class Command(BaseCommand):
    help = "Create N synthetic, clearly fake providers (names start with 'Synthetic') for scale tests."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        rng = random.Random(seed)
        zips = [(zip_code, city.title(), state, point) for zip_code, (city, state, point) in _index()[0].items()]
        levels = Page.objects.filter(kind=Page.Kind.LEVEL, level_facts__isnull=False)
        terms = {
            "therapies": list(Page.objects.filter(kind=Page.Kind.THERAPY).values_list("pk", flat=True)),
            "levels": list(levels.values_list("pk", flat=True)),
            "specialties": list(Specialty.objects.values_list("pk", flat=True)),
            "languages": list(Language.objects.values_list("pk", flat=True)),
        }
        through = {relation: getattr(Provider, relation).through._meta.db_table for relation in RELATIONS}
        tables = [
            Provider._meta.db_table,
            Location._meta.db_table,
            ProviderFacet._meta.db_table,
            SearchEntry._meta.db_table,
            *through.values(),
        ]
        start = Provider.objects.filter(slug__startswith="synthetic-").count()
        now, today = timezone.now(), timezone.localdate()
        # Rows are written without model instances, so each column starts from its model default, stored as
        # Django stores it. Columns whose value is NULL are left out of the INSERT, and so stay NULL.
        fields = Provider._meta.concrete_fields
        values = {field.column: field.get_default() for field in fields} | {"created_at": now, "updated_at": now}
        template = {
            # JSON as text: COPY takes a column's text, not the adapter Django hands the database driver.
            field.column: json.dumps(values[field.column])
            if isinstance(field, JSONField)
            else field.get_db_prep_save(values[field.column], connection)
            for field in fields
            if values[field.column] is not None
        }
        bar = tqdm(total=count, unit="provider", disable=options["verbosity"] == 0, file=self.stderr)
        with bar, transaction.atomic(), bulk_load(tables):
            for offset in range(0, count, BATCH):
                ids = reserve_ids(min(BATCH, count - offset))
                if offset == 0:
                    first_id = ids[0]
                rows = [
                    {**template, "id": pk, **self.provider(rng, start + offset + i, today)} for i, pk in enumerate(ids)
                ]
                write_rows(Provider._meta.db_table, list(rows[0]), [list(row.values()) for row in rows])
                relations = self.related(rng, ids, zips, terms, through)
                # Bulk writes send no signals: the search facets are written here, from the rows in hand.
                write_rows(ProviderFacet._meta.db_table, ["provider_id", "name", "value"], facets(rows, relations))
                bar.update(len(ids))
            if count:
                facet_table = ProviderFacet._meta.db_table
                if connection.vendor == "postgresql":
                    # Without statistics on the new rows the planner takes the tables for nearly empty and
                    # joins them by nested loops over unindexed rows: minutes instead of seconds.
                    with connection.cursor() as cursor:
                        cursor.execute(f"ANALYZE {Provider._meta.db_table}, {Location._meta.db_table}, {facet_table}")
                # From the facet rows just written, in one pass over all of them.
                new_ids = f"SELECT id FROM {Provider._meta.db_table} WHERE id BETWEEN %s AND %s"
                write_search_entries(new_ids, [first_id, ids[-1]])
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner keeps estimating the tables as nearly empty; VACUUM also marks
            # the new pages all-visible, so index-only scans (of the facets above all) skip the table.
            # VACUUM cannot run inside a transaction (a test calling this command): then ANALYZE alone.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")  # see bulk_load()
                try:
                    cursor.execute(f"{command} {', '.join(tables)}")
                finally:
                    cursor.execute("RESET statement_timeout")
        bump_content_version()  # bulk inserts send no signals: cached pages must still see the new listings
        self.stdout.write(f"Created {count} synthetic providers.")

    def provider(self, rng, number, today):
        """The columns of one synthetic provider that differ from the model's defaults."""
        telehealth = rng.random() < 0.6
        return {
            "kind": rng.choice(KINDS),
            "name": f"Synthetic {rng.choice(FIRST)} {rng.choice(PLACES)} {number:06d}",
            "slug": f"synthetic-{number:06d}",
            "external_id": f"synthetic-{number:06d}",
            "description": "Synthetic listing generated for scale testing. Not a real provider.",
            **{column: rng.random() < 0.5 for column in FLAGS},
            "telehealth": telehealth,
            "telehealth_states": rng.choice(STATES) if telehealth and rng.random() < 0.3 else "",
            "accepting_new_clients": rng.random() < 0.7,
            "status": Provider.Status.PUBLISHED.value,
            "source": "generate_providers",
            "last_verified": today - timedelta(days=rng.randint(0, 700)),
            "is_sample": True,
        }

    def related(self, rng, ids, zips, terms, through):
        """Locations (nine providers in ten have one) and therapies, levels, issues and languages.

        Returns the (provider id, term id) pairs written for each relation.
        """
        locations = (
            (pk, "1 Example Way", city, state, zip_code, lat, lng, True)
            for pk in ids
            if rng.random() < 0.9
            for zip_code, city, state, (lat, lng) in [rng.choice(zips)]
        )
        columns = ["provider_id", "street", "city", "state", "zip_code", "latitude", "longitude", "approximate"]
        write_rows(Location._meta.db_table, columns, locations)
        relations = {}
        for relation, most in RELATIONS.items():
            choices = terms[relation]
            if not choices:
                continue
            field = Provider._meta.get_field(relation)
            columns = ["provider_id", field.remote_field.through._meta.get_field(field.m2m_reverse_field_name()).column]
            rows = [(pk, term) for pk in ids for term in rng.sample(choices, k=min(len(choices), rng.randint(1, most)))]
            write_rows(through[relation], columns, rows)
            relations[relation] = rows
        return relations


def facets(providers, relations):
    """The facet rows `refresh_facets()` would write for these new providers, made from the rows in hand.

    Its SQL reads every new row back, fifteen times, and was a quarter of the load's time at 100,000
    providers; tests/directory/test_search_in_the_database.py checks that the two agree.
    """
    flags = facet_flags()
    for provider in providers:
        pk = provider["id"]
        yield from ((pk, name, value) for name, value, column in flags if provider[column])
        yield from ((pk, LICENSED_IN, state) for state in states_in(provider["telehealth_states"]))
    for name, relation in FACET_RELATIONS.items():
        yield from ((pk, name, str(term)) for pk, term in relations.get(relation, []))


def reserve_ids(count):
    """Ids for `count` new providers, so their relations can be written without reading them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Locked against other writers until the commit, so no one else draws from the sequence meanwhile:
            # the ids can be taken as one block instead of one nextval() each.
            table = Provider._meta.db_table
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, count],
            )
            last = cursor.fetchone()[0]
            return list(range(last - count + 1, last + 1))
        # SQLite: the transaction holds the database's write lock, so no one else can take the ids after the largest.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Provider._meta.db_table}")
        largest = cursor.fetchone()[0]
        return list(range(largest + 1, largest + 1 + count))


def write_rows(table, columns, rows):
    """Rows (an iterable of sequences, without None) into a table: COPY on PostgreSQL, INSERTs elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY parses text far faster than INSERTs bind parameters. In CSV an empty field would be NULL,
            # so NULL is spelled \N instead and empty strings stay empty strings.
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", CsvReader(rows)
            )
            return
        values = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for chunk in chunked(rows, connection.features.max_query_params // len(columns)):
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([values] * len(chunk))}",
                [value for row in chunk for value in row],
            )


class CsvReader:
    """A file for COPY to read: the rows as CSV, made a chunk per read, so that PostgreSQL stores each chunk
    while Python makes the next (rows can be a generator that draws them)."""

    def __init__(self, rows):
        self.chunks = chunked(rows, 1000)

    def read(self, size=-1):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(next(self.chunks, []))
        return buffer.getvalue()


def chunked(rows, size):
    """Lists of up to `size` rows (Python 3.12 has itertools.batched)."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


@contextmanager
def bulk_load(tables):
    """On PostgreSQL, drop the tables' indexes and constraints for the block and recreate them after it.

    Building an index from all its rows at once costs a fraction of updating it row by row, and a foreign
    key added afterwards is checked in one join instead of one query per row at commit. Call it inside a
    transaction: the drops and the rebuilds commit together or roll back together, so an error leaves the
    schema as it was (and a duplicate slug still fails, at the rebuild). The tables stay locked meanwhile.
    Keys that other tables' foreign keys point at (the providers' primary key) are kept.
    """
    if connection.vendor != "postgresql":
        yield
        return
    # Foreign-key checks still pending from earlier in the transaction (a test's own rows) would stop
    # ALTER TABLE: run them now.
    connection.check_constraints()
    with connection.cursor() as cursor:
        # A bulk load runs statements far longer than the timeout that protects web requests.
        cursor.execute("SET LOCAL statement_timeout = 0")
        # Foreign keys come first, to be dropped first and added last (once the keys they check have indexes).
        cursor.execute(
            """
            SELECT drop_it, create_it FROM (
                SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname) AS drop_it,
                       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname,
                              pg_get_constraintdef(oid)) AS create_it,
                       contype = 'f' AS foreign_key
                FROM pg_constraint c
                WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('p', 'u', 'f')
                  AND NOT (contype <> 'f' AND EXISTS (
                      SELECT FROM pg_constraint fk WHERE fk.contype = 'f' AND fk.conindid = c.conindid))
                UNION ALL
                SELECT format('DROP INDEX %%s', indexrelid::regclass), pg_get_indexdef(indexrelid), false
                FROM pg_index
                WHERE indrelid = ANY(%s::regclass[])
                  AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid AND contype IN ('p', 'u'))
            ) AS statements
            ORDER BY foreign_key DESC
            """,
            [tables, tables],
        )
        statements = cursor.fetchall()
        for drop, _ in statements:
            cursor.execute(drop)
    yield
    with connection.cursor() as cursor:
        for _, create in reversed(statements):
            cursor.execute(create)
