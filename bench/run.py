"""Benchmarks on PostgreSQL, through gunicorn with production settings, beside a bare Django view.

`make bench [COUNT=100000] [DURATION=10s]`: creates a fresh database, migrates it, runs each app's data
command (DATA_COMMANDS from the Makefile), times `generate_providers --count COUNT`, then measures:
- wrk over every page type (16 connections, no cookie, as readers get pages) and over a bare Django view
  serving a fixed 8 KB page (bench/bare/), each with its own gunicorn (2 workers, DEBUG off);
- single-client timings of every directory search shape and the site search, sent with a cookie so a
  page cache for cookie-less readers cannot answer them;
- queries per page (in this process, against the same database), gzipped bytes per page and its assets,
  and the memory of the gunicorn workers.
The tables are printed and written to bench/RESULTS.md.

`make load` (MODE=load): 64 connections for 60 s rotating through content, crisis, directory search and
profile pages (bench/load.lua); appends its section to bench/RESULTS.md and fails unless errors are 0.

`make bench-scale` (MODE=scale, SCALE="10000 100000 1000000"): for each size in turn, a fresh database,
generation, the site under gunicorn and the single-client search timings; appends one table with a column
per size to bench/RESULTS.md.

Everything started here (servers, database) is stopped on the way out, after an error or Ctrl-C too.
"""

import contextlib
import gzip
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "RESULTS.md"
LOAD_SCRIPT = ROOT / "bench" / "load.lua"

MODE = os.environ.get("MODE", "bench")
COUNT = int(os.environ.get("COUNT", "100000"))
SCALE = [int(size) for size in os.environ.get("SCALE", "10000 100000 1000000").split()]
CONNECTIONS = int(os.environ.get("CONNECTIONS", "64" if MODE == "load" else "16"))
DURATION = os.environ.get("DURATION", "60s" if MODE == "load" else "10s")
REPEAT = int(os.environ.get("REPEAT", "20"))
# wrk counts a request as a timeout when no answer came within this time (wrk's own default).
WRK_TIMEOUT = os.environ.get("WRK_TIMEOUT", "2s")
DATA_COMMANDS = os.environ.get("DATA_COMMANDS", "").split()
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
# Any cookie makes the request skip a whole-page cache meant for cookie-less readers.
COOKIE = "bench=1"

PAGES = [
    ("home", "/"),
    ("article", "/learn/what-is-self-harm/"),
    ("level of care", "/levels-of-care/intensive-outpatient/"),
    ("therapy", "/therapies/dbt/"),
    ("guide", "/helping-someone/supporting-a-teenager/"),
    ("learn index", "/learn/"),
    ("levels index", "/levels-of-care/"),
    ("therapies index", "/therapies/"),
    ("guides index", "/helping-someone/"),
    ("crisis", "/crisis/"),
    ("directory ZIP + 25 mi", "/directory/?near=10001&radius=25"),
]
SEARCHES = [
    ("none", "/directory/"),
    ("ZIP + 25 mi", "/directory/?near=10001&radius=25"),
    ("100 mi, by distance", "/directory/?near=90012&radius=100&sort=distance"),
    ("ZIP + therapy + age + telehealth", "/directory/?near=10001&radius=50&therapy=dbt&age=teens&telehealth=1"),
    ("keyword", "/directory/?q=Harbor&sort=name"),
    ("level + payment, page 3", "/directory/?level=intensive-outpatient&payment=medicaid&page=3"),
    # Near SAMHSA's real facilities (load_public_directory), among the synthetic ones.
    ("real data: walk-in crisis care near Birmingham, AL", "/directory/?near=35233&radius=25&crisis=walk-in"),
    (
        "real data: outpatient + Medicaid + Spanish near Los Angeles",
        "/directory/?near=90012&radius=25&level=outpatient&payment=medicaid&language=spanish",
    ),  # fmt: skip
    ("site search", "/search/?q=coping+with+urges"),
]
# Timed a second time with the cookie under wrk: the search itself, not a cached page.
UNCACHED_SEARCH = "/directory/?near=10001&radius=25"
# For the load run: more places and radii than SEARCHES, so a page cache cannot answer every search.
LOAD_SEARCHES = [
    f"/directory/?near={zip_code}&radius={radius}"
    for zip_code in ("10001", "60601", "90012", "77002", "98101")
    for radius in (10, 25, 50)
]


@dataclass
class Server:
    name: str
    host: str
    port: int
    pid: int

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"


@dataclass
class WrkResult:
    requests: int
    rps: float
    p50: float
    p99: float
    errors: dict

    def latencies(self):
        """p50 and p99 in ms; wrk records no latency for a request that timed out."""
        if self.requests <= self.errors["timeout"]:
            return f"> {WRK_TIMEOUT}", f"> {WRK_TIMEOUT}"
        return f"{self.p50:.1f}", f"{self.p99:.1f}"

    def rate(self):
        return f"{self.rps:,.1f}" if self.rps < 10 else f"{self.rps:,.0f}"

    def errors_text(self):
        return ", ".join(f"{kind} {count}" for kind, count in self.errors.items() if count) or "0"


def main():
    if not DATA_COMMANDS:
        sys.exit("DATA_COMMANDS is empty: run this through `make bench`, which lists each app's data command.")
    # `kill` and a closed terminal unwind like Ctrl-C, so the cleanup below still runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    if MODE == "scale":
        scale_run()
        return
    with contextlib.ExitStack() as stack:
        static_root = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-static-"))
        database_url = stack.enter_context(fresh_database())
        env = site_environment(database_url, static_root)
        generation_seconds = prepare(env)
        site = stack.enter_context(gunicorn("site", "config.wsgi", env, "/healthz"))
        bare_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}
        bare = stack.enter_context(gunicorn("bare", "bench.bare.wsgi", bare_env, "/"))
        header = describe_run(generation_seconds)
        if MODE == "load":
            passed = load_run(site, header)
        else:
            benchmark(site, bare, env, header)
            passed = True
    sys.exit(0 if passed else 1)


@contextlib.contextmanager
def fresh_database():
    name = f"bench_{os.getpid()}"
    run_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"Dropped database {name}.", file=sys.stderr)


def run_sql(statement):
    connection = psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def site_environment(database_url, static_root):
    """Production settings, relaxed only where plain HTTP on loopback needs it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
    }
    # Local-memory cache per worker unless a Redis is named for the bench: never the developer's own cache.
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def prepare(env, count=COUNT):
    """Migrate, load what `make setup` loads, collect static files; return generate_providers' seconds."""
    for command in [["migrate", "--noinput"], *[[name] for name in DATA_COMMANDS], ["collectstatic", "--noinput"]]:
        print(f"manage.py {' '.join(command)}", file=sys.stderr)
        manage(env, *command, quiet=True)
    print(f"manage.py generate_providers --count {count}", file=sys.stderr)
    started = time.perf_counter()
    manage(env, "generate_providers", "--count", str(count))
    return time.perf_counter() - started


def manage(env, *args, quiet=False):
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True, stdout=output)


@contextlib.contextmanager
def gunicorn(name, app, env, ready_path):
    port = free_port()
    command = [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
    # Its own session: Ctrl-C reaches only this script, which then stops the server itself.
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        server = Server(name, "127.0.0.1", port, process.pid)
        wait_until_ready(server, process, ready_path)
        yield server
    finally:
        # SIGQUIT: gunicorn's quick shutdown, without waiting for requests wrk left queued.
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(server, process, path):
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError):
            if fetch(server, path)[0] == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the {server.name} server did not start")
        time.sleep(0.3)


def fetch(server, path, cookie=False):
    """One GET on a new connection (gunicorn's sync workers close each one): status and body."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": COOKIE} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def fetch_ok(server, path, cookie=False):
    status, body = fetch(server, path, cookie)
    if status != 200:
        raise RuntimeError(f"{server.name} {path} answered {status}, not 200")
    return body


def describe_run(generation_seconds):
    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--", ".", ":!bench/RESULTS.md"):
        commit += " (with uncommitted changes)"
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    command = f"make {'load' if MODE == 'load' else 'bench'} COUNT={COUNT}"
    for name in ("DURATION", "CONNECTIONS", "REPEAT", "WRK_TIMEOUT", "BENCH_REDIS_URL"):
        if name in os.environ:
            command += f" {name}={os.environ[name]}"
    cache = "Redis (BENCH_REDIS_URL)" if os.environ.get("BENCH_REDIS_URL") else "local memory in each worker"
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit}",
        f"- machine: {os.cpu_count()} CPUs, {cpu}; load average {os.getloadavg()[0]:.1f} at the start "
        "(shared with other work: compare ratios more than absolute figures)",
        f"- command: `{command}`",
        f"- database: PostgreSQL, a fresh database with the curated data and COUNT={COUNT:,} synthetic providers",
        f"- servers: gunicorn, 2 sync workers each, default timeout, DEBUG off; cache: {cache}",
        f"- generate_providers --count {COUNT}: {generation_seconds:.1f} s "
        f"({COUNT / generation_seconds:,.0f} providers/s)",
    ]


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def benchmark(site, bare, env, header):
    profile = profile_paths(site, 1)[0]
    pages = [*PAGES, ("provider profile", profile)]
    for _, path in pages:
        fetch_ok(site, path)
    queries = count_queries(env, [path for _, path in pages] + [path for _, path in SEARCHES])

    print(f"wrk: {CONNECTIONS} connections for {DURATION} per page", file=sys.stderr)
    bare_result = wrk(bare, "/")
    bare_size = len(gzip.compress(fetch_ok(bare, "/")))
    runs = [(label, path, False) for label, path in pages] + [("directory ZIP + 25 mi", UNCACHED_SEARCH, True)]
    rows = []
    for label, path, cookie in runs:
        result = wrk(site, path, cookie=cookie)
        cookie_label = f"`{COOKIE}` (uncached)" if cookie else "none (cacheable)"
        rows.append((label, path, cookie_label, result, queries[path][0], *page_weight(site, path)))
    rows.append(("bare Django view (8 KB)", "/", "none", bare_result, 0, bare_size, bare_size))
    page_table = table(
        ["page", "path", "cookie", "req/s", "p50 ms", "p99 ms", "× bare", "errors", "queries", "HTML gz KB",
         "page + assets gz KB"],
        [
            (label, f"`{path}`", cookie, r.rate(), *r.latencies(), f"{r.rps / bare_result.rps:.2f}",
             r.errors_text(), count,
             f"{html / 1024:.1f}", f"{total / 1024:.1f}")
            for label, path, cookie, r, count, html, total in rows
        ],
    )  # fmt: skip

    search_rows = []
    for (label, path), (p50, p95) in zip(SEARCHES, time_searches(site), strict=True):
        count, results = queries[path]
        search_rows.append((label, f"`{path}`", f"`{COOKIE}` (uncached)", p50, p95, count, results))
    search_table = table(["search", "path", "cookie", "p50 ms", "p95 ms", "queries", "results"], search_rows)

    memory = table(["server", "worker pid", "RSS MB"], memory_rows(site) + memory_rows(bare))
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); `make load` appends its section below.",
        "",
        *header,
        "",
        f"## Pages under load: wrk -t2 -c{CONNECTIONS} -d{DURATION} --latency",
        "",
        "Pages go without a cookie, as readers get them (a page cache may answer); the second directory row "
        f"sends `Cookie: {COOKIE}`, which skips that cache. × bare: req/s relative to the bare Django view. "
        f"Errors: wrk's socket errors (connect, read, write, timeout: no answer within {WRK_TIMEOUT}) and 4xx/5xx "
        "responses; wrk leaves timed-out requests out of p50 and p99. Queries: one request in-process after a "
        "warm-up, with the cookie. Gzipped sizes: the HTML, "
        "and the HTML plus the CSS, JS and images it references, each gzipped.",
        "",
        *page_table,
        "",
        f"## Searches, one client: {REPEAT} requests each",
        "",
        *search_table,
        "",
        "## Worker memory after the runs (VmRSS)",
        "",
        *memory,
        "",
    ]
    report(lines, append=False)


def time_searches(site):
    """(p50, p95) in ms of each of SEARCHES, one client, REPEAT times each after a warm-up, with the cookie."""
    print(f"single client: each search {REPEAT} times with `Cookie: {COOKIE}`", file=sys.stderr)
    results = []
    for _, path in SEARCHES:
        fetch_ok(site, path, cookie=True)
        timings = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            fetch_ok(site, path, cookie=True)
            timings.append((time.perf_counter() - started) * 1000)
        results.append((f"{statistics.median(timings):.0f}", f"{percentile(timings, 95):.0f}"))
    return results


def scale_run():
    """The single-client search timings at each size in SCALE, each on its own fresh database."""
    columns, notes = [], []
    for size in SCALE:
        with contextlib.ExitStack() as stack:
            static_root = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-static-"))
            env = site_environment(stack.enter_context(fresh_database()), static_root)
            seconds = prepare(env, size)
            site = stack.enter_context(gunicorn("site", "config.wsgi", env, "/healthz"))
            columns.append(time_searches(site))
        notes.append(f"- COUNT={size:,}: generate_providers {seconds:.1f} s ({size / seconds:,.0f} providers/s)")
    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--", ".", ":!bench/RESULTS.md"):
        commit += " (with uncommitted changes)"
    lines = [
        "## Scaling: the same searches at each size",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit: {commit}; command: "
        f'`make bench-scale SCALE="{" ".join(map(str, SCALE))}"`',
        "- each size on its own fresh PostgreSQL database, one after another; gunicorn with 2 sync workers, "
        f"DEBUG off; one client, {REPEAT} requests per search with `Cookie: {COOKIE}` (no page cache); "
        "p50 / p95 in ms",
        *notes,
        "",
        *table(
            ["search", *(f"{size:,}: p50 / p95 ms" for size in SCALE)],
            [
                (label, *(f"{column[row][0]} / {column[row][1]}" for column in columns))
                for row, (label, _) in enumerate(SEARCHES)
            ],
        ),
        "",
    ]
    report(lines, append=True)


def load_run(site, header):
    paths = [path for _, path in PAGES] + [path for _, path in SEARCHES] + LOAD_SEARCHES + profile_paths(site, 20)
    paths = list(dict.fromkeys(paths))
    for path in paths:
        fetch_ok(site, path)
    print(f"wrk: {CONNECTIONS} connections for {DURATION} over {len(paths)} paths", file=sys.stderr)
    result = wrk(site, "/", script=LOAD_SCRIPT, script_args=paths)
    passed = not any(result.errors.values())
    lines = [
        f"## Load: wrk -t2 -c{CONNECTIONS} -d{DURATION} --latency over a mix of pages",
        "",
        *header,
        f"- paths, in rotation (bench/load.lua), no cookie: {len(paths)}: content pages and indexes, /crisis/, "
        f"directory searches ({len(SEARCHES) - 1} shapes and {len(LOAD_SEARCHES)} places and radii), the "
        "site search and 20 provider profiles",
        f"- errors: 4xx/5xx responses and socket errors (connect, read, write, timeout: nothing in {WRK_TIMEOUT})",
        "- p50 and p99 leave out timed-out requests (wrk counts them only as errors)",
        "",
        *table(
            ["requests", "req/s", "p50 ms", "p99 ms", "errors", "result"],
            [
                (
                    f"{result.requests:,}",
                    result.rate(),
                    *result.latencies(),
                    result.errors_text(),
                    "pass: no errors" if passed else "FAIL: errors must be 0",
                )
            ],
        ),  # fmt: skip
        "",
        *table(["server", "worker pid", "RSS MB"], memory_rows(site)),
        "",
    ]
    report(lines, append=True)
    return passed


def profile_paths(site, count):
    found = []
    for _, path in SEARCHES[:-1]:
        html = fetch_ok(site, path).decode()
        found += re.findall(r'href="(/directory/(?!suggest/)[a-z0-9-]+/)"', html)
    found = list(dict.fromkeys(found))
    if not found:
        raise RuntimeError("no provider profile found in the directory searches")
    return found[:count]


def count_queries(env, paths):
    """Queries and result counts per path, from one request each in this process (after a warm-up)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # responses carry their template context: result counts
    client = Client()
    client.cookies["bench"] = "1"
    counts = {}
    for path in dict.fromkeys(paths):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in-process")
        counts[path] = (len(captured), result_count(response.context))
    connection.close()
    return counts


def result_count(context):
    if context is None:
        return ""
    if "outcome" in context:
        return context["outcome"].total
    if "results" in context:
        return len(context["results"])
    return ""


def wrk(server, path, cookie=False, script=None, script_args=()):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", f"--timeout={WRK_TIMEOUT}", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {COOKIE}"]
    if script:
        command += ["-s", str(script)]
    command.append(server.url + path)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output):
    units = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}

    def latency(percent):
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE).groups()
        return float(value) * units[unit]

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    connect, read, write, timeout = map(int, socket_errors.groups()) if socket_errors else (0, 0, 0, 0)
    # wrk prints "Non-2xx or 3xx responses" but counts only statuses from 400 up.
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50=latency(50),
        p99=latency(99),
        errors={
            "4xx/5xx": int(bad_status.group(1)) if bad_status else 0,
            "connect": connect,
            "read": read,
            "write": write,
            "timeout": timeout,
        },
    )


ASSET_SIZES = {}  # gzipped bytes by URL: pages share their CSS and JS


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and {"stylesheet", "icon"} & set((attrs.get("rel") or "").split()):
            self.assets.append(attrs.get("href"))
        elif tag in ("script", "img"):
            self.assets.append(attrs.get("src"))


def page_weight(site, path):
    """Gzipped bytes of the HTML, and of the HTML plus every same-site asset it references."""
    html = fetch_ok(site, path)
    collector = AssetCollector()
    collector.feed(html.decode())
    total = html_size = len(gzip.compress(html))
    for url in dict.fromkeys(collector.assets):
        if not url or not url.startswith("/") or url.startswith("//"):
            continue
        if url not in ASSET_SIZES:
            ASSET_SIZES[url] = len(gzip.compress(fetch_ok(site, url)))
        total += ASSET_SIZES[url]
    return html_size, total


def memory_rows(server):
    rows = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if fields["PPid"].strip() == str(server.pid):
                rows.append((server.name, status.parent.name, f"{int(fields['VmRSS'].split()[0]) / 1024:.0f}"))
    return sorted(rows)


def percentile(values, percent):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def report(lines, append):
    text = "\n".join(lines)
    print("\n" + text)
    if append and RESULTS.exists():
        RESULTS.write_text(RESULTS.read_text().rstrip("\n") + "\n\n" + text)
    else:
        RESULTS.write_text(("# Benchmark results\n\n" if append else "") + text)
    print(f"Written to {RESULTS.relative_to(ROOT)}.", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted: servers stopped and the bench database dropped.")
