from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from opendata.hsds_import import import_services, read_dataset


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS services (HSDS 3.0, or the 1.x and 2.0 tables most 211s export): a JSON list, "
        "an API page, one service, or a folder or zip of CSV tables. Matches services on their HSDS id. A service "
        "that cannot be used is named and skipped; --strict imports nothing then. New listings wait for a "
        "moderator unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--feed", default="hsds", help="A name for this source (default hsds), e.g. state-211.")
        parser.add_argument("--dry-run", action="store_true", help="Check every record and report; write nothing.")
        parser.add_argument("--publish", action="store_true", help="Publish the listings instead of queueing them.")
        parser.add_argument("--strict", action="store_true", help="Import nothing if any service has a problem.")
        parser.add_argument(
            "--full",
            action="store_true",
            help="The file is the feed's complete export: its listings the file no longer has are withdrawn.",
        )
        parser.add_argument(
            "--taxonomy",
            action="append",
            default=[],
            metavar="TERM",
            help="Keep only services under this taxonomy term (id, code or name); repeat for several.",
        )

    def handle(self, *args, file, feed, dry_run, publish, strict, full, taxonomy, **options):
        try:
            services = read_dataset(file)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None

        def progress(items):
            disable = options["verbosity"] == 0
            return tqdm(items, desc="Importing", unit="service", disable=disable, file=self.stderr)

        outcome = import_services(
            services,
            feed=feed,
            dry_run=dry_run,
            publish=publish,
            strict=strict,
            full=full,
            taxonomy=taxonomy,
            source=f"Open Referral HSDS feed: {feed}",
            progress=progress,
        )
        for problem in outcome.problems:
            self.stderr.write(str(problem))
        if strict and outcome.problems:
            raise CommandError(f"{len(outcome.problems)} problem(s) found; nothing was imported (--strict).")
        result = outcome.result
        read = f"Read {len(services)} services"
        if outcome.outside_taxonomy:
            read += f" ({outcome.outside_taxonomy} outside the chosen taxonomy terms, left out)"
        if dry_run:
            self.stdout.write(f"Dry run: {read}: {result.summary()}. Nothing was written.")
        else:
            self.stdout.write(f"{read}: {result.summary()}.")
