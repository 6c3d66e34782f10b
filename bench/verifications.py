"""`request_verifications` timed over 100,000 listings, on a fresh PostgreSQL database (and SQLite).

`make bench-verify`: migrates a fresh database, loads what `make setup` loads but the public directory, makes
COUNT synthetic listings (100,000 by default), gives nine in ten an email address and dates every verification
400 days back, then times `request_verifications --older-than 365` three ways: a dry run, the round itself
(an email queued for each listing with an address, the rest on the call list) and the same command again
(nothing to do: all were asked). Prints and writes bench/VERIFICATIONS.md. Issue 23 asks for the round in 60 s.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

RESULTS = ROOT / "bench" / "VERIFICATIONS.md"
SETUP = [name for name in run.DATA_COMMANDS if name != "load_public_directory"]
COUNT = int(os.environ.get("COUNT", "100000"))
PREPARE = """
from datetime import timedelta
from django.db.models import F, Value
from django.db.models.functions import Concat, Mod
from django.utils import timezone
from directory.models import Provider
old = timezone.localdate() - timedelta(days=400)
Provider.objects.filter(pk__gt=0).update(status="published", last_verified=old, email="")
Provider.objects.alias(tenth=Mod("id", 10)).exclude(tenth=0).update(email=Concat(F("slug"), Value("@example.org")))
"""
COUNTS = """
from post_office.models import Email
from directory.models import VerificationRequest
print(Email.objects.count(), VerificationRequest.objects.filter(channel="phone").count())
"""


def timed(env, *args):
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, result.stdout.strip().splitlines()[-1]


def shell(env, code):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def measure(label, env):
    for command in [["migrate", "--noinput"], *[[name] for name in SETUP]]:
        run.manage(env, *command, quiet=True)
    run.manage(env, "generate_providers", "--count", str(COUNT), quiet=True)
    # Preparing 100,000 listings is one bulk update (not what is measured): past the statement timeout on PostgreSQL.
    shell({**env, "DATABASE_STATEMENT_TIMEOUT": "0"}, PREPARE)
    command = ["request_verifications", "--older-than", "365"]
    rows = [
        ("dry run", *timed(env, *command, "--dry-run")),
        ("the round", *timed(env, *command)),
        ("again (all asked)", *timed(env, *command)),
    ]
    emails, calls = shell(env, COUNTS).splitlines()[-1].split()
    return [
        f"### {label}",
        "",
        *run.table(["run", "seconds", "output"], [(name, f"{seconds:.1f}", output) for name, seconds, output in rows]),
        "",
        f"After the runs: {int(emails):,} emails in the queue, {int(calls):,} listings on the call list.",
        "",
    ]


def main():
    lines = [
        "# Re-verification round timings",
        "",
        f"Written by `make bench-verify` (bench/verifications.py): {COUNT:,} synthetic listings, nine in ten with an",
        "email address, all last verified 400 days ago; `request_verifications --older-than 365`.",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC",
        f"- commit: {run.git('rev-parse', '--short', 'HEAD')}",
        f"- machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the start",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="verifications-") as folder, contextlib.ExitStack() as stack:
        database_url = stack.enter_context(run.fresh_database())
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": database_url,
        }
        lines += measure("PostgreSQL", env)
        lines += measure("SQLite", {**env, "DATABASE_URL": f"sqlite:///{folder}/verifications.sqlite3"})
    text = "\n".join(lines)
    print(text)
    RESULTS.write_text(text + "\n")
    print(f"Written to {RESULTS.relative_to(ROOT)}.", file=sys.stderr)


if __name__ == "__main__":
    main()
