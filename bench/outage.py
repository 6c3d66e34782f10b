"""What readers get while the database hangs, through gunicorn with production settings.

`make outage [OUTAGE_SECONDS=60] [DATABASE_CONNECT_TIMEOUT=5] [DATABASE_RETRY_SECONDS=5]`: a fresh
PostgreSQL database with the curated data and the sample directory, reached through a proxy that can make
it hang (tests/faults/sockets.py); gunicorn with 2 workers, DEBUG off. Once with each worker's local-memory
cache (and the PostgreSQL version listener), once with Redis (BENCH_REDIS_URL, default database 11):

1. a few pages are visited so that each worker has them cached;
2. the database hangs: for OUTAGE_SECONDS one client asks, in turn, for cached pages, pages never
   visited, the crisis page and /healthz, each on a new connection, and every answer is timed;
3. the database comes back: how long until a page comes without `Cache-Control: no-store` (fresh).

The tables are printed and written to bench/OUTAGE.md.
"""

import contextlib
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402
from tests.faults.sockets import DatabaseProxy  # noqa: E402

RESULTS = ROOT / "bench" / "OUTAGE.md"
OUTAGE_SECONDS = float(os.environ.get("OUTAGE_SECONDS", "60"))
CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
RETRY_SECONDS = int(os.environ.get("DATABASE_RETRY_SECONDS", "5"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
CACHED = ["/", "/learn/", "/therapies/dbt/", "/crisis/", "/es/crisis/"]
NEVER_VISITED = ["/levels-of-care/", "/directory/?near=10001&radius=25", "/helping-someone/"]


def main():
    sections = []
    with contextlib.ExitStack() as stack:
        static_root = stack.enter_context(tempfile.TemporaryDirectory(prefix="outage-static-"))
        database_url = stack.enter_context(run.fresh_database())
        env = run.site_environment(database_url, static_root)
        for command in [
            ["migrate", "--noinput"],
            *[[name] for name in run.DATA_COMMANDS],
            ["collectstatic", "--noinput"],
        ]:
            run.manage(env, *command, quiet=True)
        for cache in ("local memory", "Redis"):
            sections += outage(env, database_url, cache)
    header = [
        "# What readers get while the database hangs",
        "",
        "Written by `make outage` (bench/outage.py).",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC",
        f"- commit: {run.git('rev-parse', '--short', 'HEAD')}",
        f"- gunicorn, 2 sync workers, DEBUG off; DATABASE_CONNECT_TIMEOUT={CONNECT_TIMEOUT}, "
        f"DATABASE_RETRY_SECONDS={RETRY_SECONDS}; the database hangs for {OUTAGE_SECONDS:.0f} s "
        "(open connections dropped, new ones accepted and never answered)",
        "- one client, one request at a time, each on a new connection",
        "",
    ]
    text = "\n".join(header + sections)
    print("\n" + text)
    RESULTS.write_text(text + "\n")
    print(f"Written to {RESULTS.relative_to(ROOT)}.", file=sys.stderr)


def outage(env, database_url, cache):
    base, _, name = database_url.rpartition("/")
    host, _, port = base.rpartition("@")[2].partition(":")
    proxy = DatabaseProxy((host, int(port or 5432)))
    env = {
        **env,
        "DATABASE_URL": f"{base.rpartition('@')[0]}@127.0.0.1:{proxy.port}/{name}",
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "DATABASE_RETRY_SECONDS": str(RETRY_SECONDS),
        # Every request in an outage logs its traceback; the answers are what is measured here.
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    if cache == "Redis":
        env["REDIS_URL"] = REDIS_URL
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    with run.gunicorn("site", "config.wsgi", env, "/healthz") as site:
        for _ in range(8):  # each of the two workers gets each page at least once, most likely
            for path in CACHED:
                get(site, path)
        proxy.hang()
        answers = []
        ends = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < ends:
            for kind, paths in (("cached", CACHED), ("never visited", NEVER_VISITED), ("health", ["/healthz"])):
                for path in paths:
                    answers.append((kind, path, *get(site, path)))
        proxy.forward()
        back_at, fresh_after = time.monotonic(), None
        while fresh_after is None and time.monotonic() < back_at + 60:
            # Two rounds in a row, so that each worker has answered at least once, most likely.
            rounds = [[get(site, path) for path in CACHED + NEVER_VISITED] for _ in range(2)]
            if all(
                status == 200 and "no-store" not in headers.get("cache-control", "")
                for r in rounds
                for status, _, headers in r
            ):
                fresh_after = time.monotonic() - back_at
            time.sleep(0.05)
    proxy.close()
    return report(cache, answers, fresh_after, proxy.held)


def get(site, path):
    connection = http.client.HTTPConnection(site.host, site.port, timeout=120)
    started = time.monotonic()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode()
        headers = {key.lower(): value for key, value in response.getheaders()}
    finally:
        connection.close()
    seconds = time.monotonic() - started
    if response.status >= 500 and path != "/healthz":
        assert "tel:988" in body and "tel:911" in body, f"{path} answered {response.status} without the numbers"
    return response.status, seconds, headers


def report(cache, answers, fresh_after, held):
    rows = []
    for kind in ("cached", "never visited", "health"):
        of_kind = [(path, status, seconds) for k, path, status, seconds, _ in answers if k == kind]
        later = [seconds for _, _, seconds in of_kind if seconds < CONNECT_TIMEOUT]
        statuses = ", ".join(
            f"{status} × {count}"
            for status, count in sorted({s: sum(1 for _, st, _ in of_kind if st == s) for _, s, _ in of_kind}.items())
        )
        rows.append(
            (
                kind,
                len(of_kind),
                statuses,
                f"{statistics.median(later) * 1000:.1f}" if later else "-",
                f"{run.percentile(later, 99) * 1000:.1f}" if later else "-",
                f"{max(seconds for _, _, seconds in of_kind):.2f}",
            )
        )
    over_a_second = [(path, seconds) for _, path, _, seconds, _ in answers if seconds >= 1]
    lines = [
        f"## Cache: {cache}",
        "",
        f"{len(answers)} requests in {OUTAGE_SECONDS:.0f} s of outage. Answers that took 1 s or more: "
        f"{len(over_a_second)}"
        + (" (" + ", ".join(f"`{p}` {s:.2f} s" for p, s in over_a_second) + ")" if over_a_second else "")
        + f". Connections the hung database held: {held} (the workers' first tries and background probes).",
        "",
        *run.table(["pages", "requests", "statuses", "p50 ms", "p99 ms", "slowest s"], rows),
        "",
        f"After the database came back, every page was fresh (200, no `no-store`) within {fresh_after:.2f} s."
        if fresh_after is not None
        else "After the database came back: still no fresh page after 60 s.",
        "",
    ]
    return lines


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted: servers stopped and the database dropped.")
