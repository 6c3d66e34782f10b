from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from opendata.hsds_import import import_services, read_dataset


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS 3.0 services (a JSON list, or a folder or zip of HSDS CSV tables) as providers. "
        "Matches services on their HSDS id. New listings are pending review unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every record and report; write nothing.")
        parser.add_argument("--publish", action="store_true", help="Publish the listings instead of queueing them.")

    def handle(self, *args, file, dry_run, publish, **options):
        try:
            services = read_dataset(file)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"Could not read {file}: {error}") from None

        def progress(items):
            disable = options["verbosity"] == 0
            return tqdm(items, desc="Importing", unit="service", disable=disable, file=self.stderr)

        result = import_services(
            services, dry_run=dry_run, publish=publish, source=f"HSDS: {file.name}", progress=progress
        )
        for error in result.errors:
            self.stderr.write(error)
        if result.errors:
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was imported.")
        if dry_run:
            self.stdout.write(f"Dry run: {len(services)} services are valid. Nothing was written.")
        else:
            self.stdout.write(f"Imported {len(services)} services: {result.created} created, {result.updated} updated.")
