"""Synthetic providers for scale tests: bulk inserts of providers, locations, relations and facets."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from content.models import Page
from directory.geo import _index
from directory.models import AGE_FIELDS, PAYMENT_FIELDS, Language, Location, Provider, Specialty
from pagecache.version import bump_content_version

BATCH = 5000
FIRST = ["Avery", "Jordan", "Riley", "Sam", "Casey", "Morgan", "Quinn", "Rowan", "Skyler", "Taylor"]
STATES = ["CA", "NY", "TX", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "WA", "OR"]
PLACES = ["Maple", "Harbor", "Cedar", "Willow", "Summit", "River", "Meadow", "Oak", "Pine", "Lake"]


class Command(BaseCommand):
    help = "Create N synthetic, clearly fake providers (names start with 'Synthetic') for scale tests."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        rng = random.Random(seed)
        zips = [(zip_code, city, state, point) for zip_code, (city, state, point) in _index()[0].items()]
        therapies = list(Page.objects.filter(kind=Page.Kind.THERAPY).values_list("pk", flat=True))
        levels = list(Page.objects.filter(kind=Page.Kind.LEVEL, level_facts__isnull=False).values_list("pk", flat=True))
        specialties = list(Specialty.objects.values_list("pk", flat=True))
        languages = list(Language.objects.values_list("pk", flat=True))
        start = Provider.objects.filter(slug__startswith="synthetic-").count()
        today = timezone.localdate()
        with tqdm(total=count, unit="provider", disable=options["verbosity"] == 0, file=self.stderr) as bar:
            for offset in range(0, count, BATCH):
                size = min(BATCH, count - offset)
                with transaction.atomic():
                    providers = Provider.objects.bulk_create(
                        self.provider(rng, start + offset + i, today) for i in range(size)
                    )
                    if not providers[0].pk:  # databases that do not return ids from bulk inserts
                        providers = list(Provider.objects.order_by("-pk")[:size])[::-1]
                    self.related(rng, providers, zips, therapies, levels, specialties, languages)
                    # Bulk inserts send no signals, so the search facets are written here.
                    Provider.objects.filter(pk__range=(providers[0].pk, providers[-1].pk)).refresh_facets()
                bar.update(size)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner keeps estimating the tables as nearly empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        bump_content_version()  # bulk inserts send no signals: cached pages must still see the new listings
        self.stdout.write(f"Created {count} synthetic providers.")

    def provider(self, rng, number, today):
        kind = rng.choice(Provider.Kind.values)
        telehealth = rng.random() < 0.6
        name = f"Synthetic {rng.choice(FIRST)} {rng.choice(PLACES)} {number:06d}"
        flags = {field: rng.random() < 0.5 for field in [*AGE_FIELDS.values(), *PAYMENT_FIELDS.values()]}
        return Provider(
            kind=kind,
            name=name,
            slug=f"synthetic-{number:06d}",
            external_id=f"synthetic-{number:06d}",
            description="Synthetic listing generated for scale testing. Not a real provider.",
            telehealth=telehealth,
            telehealth_states=rng.choice(STATES) if telehealth and rng.random() < 0.3 else "",
            accepting_new_clients=rng.random() < 0.7,
            status=Provider.Status.PUBLISHED,
            source="generate_providers",
            last_verified=today - timedelta(days=rng.randint(0, 700)),
            is_sample=True,
            **flags,
        )

    def related(self, rng, providers, zips, therapies, levels, specialties, languages):
        locations = []
        for provider in providers:
            if rng.random() < 0.9:
                zip_code, city, state, (lat, lng) = rng.choice(zips)
                locations.append(Location(provider=provider, street="1 Example Way", city=city.title(),
                                          state=state, zip_code=zip_code, latitude=lat, longitude=lng))  # fmt: skip
        Location.objects.bulk_create(locations)
        for relation, choices, most in [("therapies", therapies, 3), ("levels", levels, 2),
                                        ("specialties", specialties, 3), ("languages", languages, 2)]:  # fmt: skip
            if not choices:
                continue
            field = Provider._meta.get_field(relation)
            through = field.remote_field.through
            columns = ["provider_id", through._meta.get_field(field.m2m_reverse_field_name()).column]
            rows = [
                (provider.pk, choice)
                for provider in providers
                for choice in rng.sample(choices, k=min(len(choices), rng.randint(1, most)))
            ]
            insert_rows(through._meta.db_table, columns, rows)


def insert_rows(table, columns, rows, per_statement=500):
    """Plain multi-row INSERTs: hundreds of thousands of relation rows without building a model for each."""
    values = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([values] * len(chunk))}",
                [value for row in chunk for value in row],
            )
