from django.core.management.base import BaseCommand

from crisis.seed import load_crisis_resources


class Command(BaseCommand):
    help = "Load the curated crisis resources, pages and sample directory. Safe to run again: it never overwrites an editor's changes."

    def handle(self, *args, **options):
        created = load_crisis_resources()
        self.stdout.write(f"Crisis resources: {created} created.")
