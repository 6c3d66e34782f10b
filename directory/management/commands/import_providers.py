from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from directory.importer import import_rows, read_rows


class Command(BaseCommand):
    help = "Import providers from a CSV file (columns: directory/data/README.md). Matches rows on external_id."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate every row and report; write nothing.")

    def handle(self, *args, file, dry_run, **options):
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                rows = read_rows(handle)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None
        show_progress = len(rows) > 500 and options["verbosity"] > 0

        def progress(items):
            return tqdm(items, desc="Importing", unit="row", disable=not show_progress, file=self.stderr)

        result = import_rows(rows, dry_run=dry_run, progress=progress)
        for problem in result.problems:
            self.stderr.write(str(problem))
        if result.problems:
            raise CommandError(f"{len(result.problems)} problem(s) found; nothing was imported.")
        if dry_run:
            self.stdout.write(f"Dry run: {len(rows)} rows are valid ({result.summary()}). Nothing was written.")
        else:
            self.stdout.write(f"Imported {len(rows)} rows: {result.summary()}.")
