"""Benchmarks: loading synthetic providers, directory search latency at scale, and page weight.

Runs against its own database (a temporary SQLite file, or BENCH_DATABASE_URL for PostgreSQL),
never the development one. Usage: make bench [COUNT=100000]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("COUNT", "100000"))
REPEAT = int(os.environ.get("REPEAT", "15"))
QUERIES = [
    "/directory/",
    "/directory/?near=60601&radius=25",
    "/directory/?near=90012&radius=100&sort=distance",
    "/directory/?near=10001&radius=50&therapy=dbt&age=teens&telehealth=1",
    "/directory/?q=Harbor&sort=name",
    "/directory/?level=intensive-outpatient&payment=medicaid&page=3",
    "/search/?q=coping+with+urges",
]
PAGES = ["/", "/learn/what-is-self-harm/", "/therapies/", "/directory/?near=60601", "/crisis/"]


def main():
    folder = tempfile.mkdtemp(prefix="bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = dict(os.environ)
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "load_curated_data"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([*manage, "generate_providers", "--count", str(COUNT), "--verbosity", "0"], env=env, check=True)
    load_seconds = time.perf_counter() - started

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets responses carry their template context (result counts)
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"generate_providers --count {COUNT}: {load_seconds:.1f} s ({COUNT / load_seconds:,.0f} providers/s)")
    print(f"\n{'query':70} {'median ms':>10} {'p95 ms':>8} {'results':>8}")
    for url in QUERIES:
        client.get(url)  # warm caches
        timings = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        total = response.context["outcome"].total if "outcome" in response.context else len(response.context["results"])
        p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{url:70} {statistics.median(timings):10.1f} {p95:8.1f} {total:8}")
    css = sum(path.stat().st_size for path in (ROOT / "static" / "css").glob("*.css"))
    js = sum(path.stat().st_size for path in (ROOT / "static" / "js").glob("*.js"))
    print(f"\nstatic: CSS {css / 1024:.1f} KiB, JS {js / 1024:.1f} KiB (uncompressed)")
    print(f"{'page':40} {'HTML KiB':>9}")
    for url in PAGES:
        print(f"{url:40} {len(client.get(url).content) / 1024:9.1f}")


if __name__ == "__main__":
    main()
