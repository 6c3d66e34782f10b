from django.core.management.base import BaseCommand

from directory.importer import load_sample_directory


class Command(BaseCommand):
    help = (
        "Load the fictional sample providers (directory/data/sample_providers.csv). Run after load_curated_data: "
        "providers name its therapy and level pages. Safe to run again: it never touches an existing provider."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Sample directory: {load_sample_directory()} providers created.")
