from django.core.management.base import BaseCommand

from crisis.seed import load_crisis_resources


class Command(BaseCommand):
    help = "Load the crisis resources the site starts with. Safe to run again: it never changes an existing one."

    def handle(self, *args, **options):
        self.stdout.write(f"Crisis resources: {load_crisis_resources()} created.")
