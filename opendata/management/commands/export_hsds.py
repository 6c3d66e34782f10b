import json

from django.core.management.base import BaseCommand

from directory.models import Provider
from opendata.hsds import for_export, provider_to_service


class Command(BaseCommand):
    help = "Export published providers as Open Referral HSDS 3.0 services (JSON list) to standard output or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; standard output when omitted.")

    def handle(self, *args, output=None, **options):
        providers = for_export(Provider.objects.published().order_by("pk"))
        services = [provider_to_service(provider) for provider in providers]
        text = json.dumps(services, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text)
