from django.core.management.base import BaseCommand

from content.loader import load_pages, load_sources, load_tool_reviews


class Command(BaseCommand):
    help = (
        "Load the curated sources and pages from content/data/. "
        "Safe to run again: it never overwrites what an editor has changed."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Sources: {load_sources()} created or updated.")
        self.stdout.write(f"Pages: {load_pages()} created or updated.")
        self.stdout.write(f"Tool reviews: {load_tool_reviews()} created.")
