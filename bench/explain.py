"""EXPLAIN ANALYZE of every directory search shape, for docs/decisions/010-directory-search-at-scale.md.

Run against a database that already holds the generated providers (for example the one `make bench`
builds, kept with KEEP_DATABASE=1):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME DJANGO_DEBUG=true .venv/bin/python bench/explain.py

Each search is requested once through Django's test client (with a cookie, so no page cache answers it);
every query it sends is then explained, and the plans of the three slowest are printed as markdown.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHAPES = [
    "/directory/",
    "/directory/?near=10001&radius=25",
    "/directory/?near=90012&radius=100&sort=distance",
    "/directory/?near=10001&radius=50&therapy=dbt&age=teens&telehealth=1",
    "/directory/?q=Harbor&sort=name",
    "/directory/?level=intensive-outpatient&payment=medicaid&page=3",
]


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.cookies["bench"] = "1"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM directory_provider")
        print(f"Providers in the database: {cursor.fetchone()[0]:,}\n")
    for url in SHAPES:
        client.get(url)  # warm: plans, caches and the ZIP index
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        total_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        print(f"### `{url}`\n\n{len(captured.captured_queries)} queries, {total_ms:.1f} ms in the database.\n")
        slowest = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))[:3]
        for query in slowest:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"```\n-- {float(query['time']) * 1000:.1f} ms: {query['sql'][:160]}…\n{plan}\n```\n")


if __name__ == "__main__":
    main()
