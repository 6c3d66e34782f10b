from django.core.management.base import BaseCommand

from content.loader import load_pages, load_sources
from crisis.seed import load_crisis_resources
from directory.importer import load_sample_directory


class Command(BaseCommand):
    help = (
        "Load the curated crisis resources, sources, pages and sample directory. "
        "Safe to run again: it never overwrites what an editor has changed."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Crisis resources: {load_crisis_resources()} created.")
        self.stdout.write(f"Sources: {load_sources()} created or updated.")
        self.stdout.write(f"Pages: {load_pages()} created or updated.")
        self.stdout.write(f"Sample directory: {load_sample_directory()} providers created.")
