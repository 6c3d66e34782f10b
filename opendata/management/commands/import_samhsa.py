from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from opendata.samhsa import WorkbookError, import_samhsa


class Command(BaseCommand):
    help = (
        "Import SAMHSA's National Directory of Mental Health Treatment Facilities (its yearly .xlsx workbook): one "
        "published listing per facility. A later edition updates what changed, adds what is new and withdraws what "
        "it no longer lists; fields a moderator edited are kept. Rows that cannot be used are named and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Read and check every row; write nothing.")
        parser.add_argument("--edition", type=int, help="The edition's year (default: the year in the file name).")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="The date the listings count as verified (default: the date the workbook was written).",
        )

    def handle(self, *args, file, dry_run, edition, as_of, **options):
        def progress(items):
            items = list(items)
            disable = options["verbosity"] == 0 or len(items) < 500
            return tqdm(items, desc="Importing", unit="facility", disable=disable, file=self.stderr)

        try:
            directory, result = import_samhsa(file, dry_run=dry_run, edition=edition, as_of=as_of, progress=progress)
        except (OSError, WorkbookError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None
        for problem in result.problems:
            self.stderr.write(str(problem))
        if options["verbosity"] > 1:
            for (category, name), count in directory.unmapped.most_common():
                self.stdout.write(f"Not used here: {category} {name!r} ({count} facilities)")
        read = f"Read {len(directory.rows)} facilities from the {directory.edition} edition (as of {directory.as_of})"
        done = "Dry run, nothing written" if dry_run else "Done"
        self.stdout.write(f"{done}. {read}: {result.summary()}.")
