from django.core.management.base import BaseCommand

from opendata.samhsa import BUNDLED, load_bundled_directory


class Command(BaseCommand):
    help = (
        f"Load the bundled edition of SAMHSA's National Directory of Mental Health Treatment Facilities "
        f"({BUNDLED.name}): real facilities, published. Run after load_curated_data (listings name its level and "
        "therapy pages). Does nothing when that edition is loaded already; `import_samhsa` loads another."
    )

    def handle(self, *args, **options):
        result = load_bundled_directory()
        if result is None:
            self.stdout.write("Public directory: 0 facilities created (this edition is loaded already).")
        else:
            self.stdout.write(f"Public directory: {result.created} facilities created ({result.summary()}).")
