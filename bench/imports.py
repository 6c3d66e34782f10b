"""The SAMHSA import timed as a deployment meets it, on a fresh PostgreSQL database (and SQLite).

`make bench-import`: migrates a fresh database, loads what `make setup` loads but the public directory, then
times `import_samhsa` three times on the bundled 2022 workbook: the first import, the same file again, and a
"later edition" made from it (100 facilities dropped, 200 with a new phone number, 50 new ones), and prints
and writes bench/IMPORTS.md with each run's counts and seconds.
"""

import contextlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

BUNDLED = ROOT / "opendata" / "data" / "samhsa" / "National_Directory_MH_Facilities_2022.xlsx"
RESULTS = ROOT / "bench" / "IMPORTS.md"
SETUP = [name for name in run.DATA_COMMANDS if name != "load_public_directory"]


def later_edition(folder):
    """The 2022 workbook as a later edition might differ from it, reproducibly."""
    rng = random.Random(2023)
    workbook = openpyxl.load_workbook(BUNDLED)
    sheet = workbook["Facilities List"]
    rows = list(range(2, sheet.max_row + 1))
    for row in rng.sample(rows, 200):
        sheet.cell(row=row, column=8, value=f"555-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}")
    copies = [[cell.value for cell in sheet[row]] for row in rng.sample(rows, 50)]
    for number, values in enumerate(copies, start=1):
        values[0] = f"New Program {number}"
        sheet.append(values)
    for row in sorted(rng.sample(rows, 100), reverse=True):
        sheet.delete_rows(row)
    path = folder / "National_Directory_MH_Facilities_2023.xlsx"
    workbook.save(path)
    return path


def timed_import(env, path):
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_samhsa", str(path), "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    summary = re.search(r"Read .*", result.stdout).group(0)
    skipped = [line for line in result.stderr.splitlines() if line.startswith("row ")]
    return seconds, summary, skipped


def measure(label, env, later):
    for command in [["migrate", "--noinput"], *[[name] for name in SETUP]]:
        run.manage(env, *command, quiet=True)
    rows = [("first import", *timed_import(env, BUNDLED)), ("the same file again", *timed_import(env, BUNDLED))]
    rows.append(("a later edition", *timed_import(env, later)))
    return [
        f"### {label}",
        "",
        *run.table(
            ["run", "seconds", "result", "rows skipped"],
            [(name, f"{seconds:.1f}", summary, len(skipped)) for name, seconds, summary, skipped in rows],
        ),
        "",
    ]


def main():
    lines = [
        "# SAMHSA import timings",
        "",
        "Written by `make bench-import` (bench/imports.py): the bundled 2022 workbook (9,037 facilities), again, and a",
        "later edition made from it (100 facilities dropped, 200 new phone numbers, 50 new facilities).",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC",
        f"- commit: {run.git('rev-parse', '--short', 'HEAD')}",
        f"- machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the start",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="imports-") as folder, contextlib.ExitStack() as stack:
        later = later_edition(Path(folder))
        database_url = stack.enter_context(run.fresh_database())
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": database_url,
        }
        lines += measure("PostgreSQL", env, later)
        sqlite = {**env, "DATABASE_URL": f"sqlite:///{folder}/imports.sqlite3"}
        lines += measure("SQLite", sqlite, later)
    text = "\n".join(lines)
    print(text)
    RESULTS.write_text(text + "\n")
    print(f"Written to {RESULTS.relative_to(ROOT)}.", file=sys.stderr)


if __name__ == "__main__":
    main()
