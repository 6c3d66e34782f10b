import csv
import sys

from django.core.management.base import BaseCommand

from directory.importer import COLUMNS, export_rows
from directory.models import Provider


class Command(BaseCommand):
    help = "Export providers as CSV in the import format (to standard output, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; standard output when omitted.")
        parser.add_argument("--status", choices=Provider.Status.values, help="Only providers with this status.")

    def handle(self, *args, output=None, status=None, **options):
        providers = Provider.objects.order_by("pk")
        if status:
            providers = providers.filter(status=status)
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                self.write(handle, providers)
        else:
            self.write(sys.stdout, providers)

    def write(self, handle, providers):
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(export_rows(providers))
