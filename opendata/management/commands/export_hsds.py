import json

from django.core.management.base import BaseCommand

from directory.models import Provider
from opendata.hsds import for_export, provider_to_service

# Listings read and written at a time: memory stays flat however large the directory is.
CHUNK = 1000


class Command(BaseCommand):
    help = "Export published providers as Open Referral HSDS 3.0 services (JSON list) to standard output or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; standard output when omitted.")

    def handle(self, *args, output=None, **options):
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                write_services(handle.write)
        else:
            write_services(lambda text: self.stdout.write(text, ending=""))


def write_services(write):
    """The JSON list, one service at a time, as json.dumps(services, indent=2) would write it whole."""
    providers = for_export(Provider.objects.published().order_by("pk")).iterator(chunk_size=CHUNK)
    first = True
    for provider in providers:
        document = json.dumps(provider_to_service(provider), indent=2, ensure_ascii=False)
        write(("[\n" if first else ",\n") + "\n".join(f"  {line}" for line in document.splitlines()))
        first = False
    write("[]" if first else "\n]")
