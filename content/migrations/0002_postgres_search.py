"""PostgreSQL-only search support: pg_trgm, and GIN indexes for full-text and trigram search.

Both are skipped on SQLite, which uses the portable fallback in content/search.py.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("content_page_search_vector_gin", "CREATE INDEX IF NOT EXISTS {name} ON content_page USING gin (search_vector)"),
    ("content_page_title_trgm", "CREATE INDEX IF NOT EXISTS {name} ON content_page USING gin (title gin_trgm_ops)"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, sql in INDEXES:
        schema_editor.execute(sql.format(name=name))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [TrigramExtension(), migrations.RunPython(create_indexes, drop_indexes)]
