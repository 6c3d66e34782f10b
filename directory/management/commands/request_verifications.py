from django.core.management.base import BaseCommand, CommandError

from directory.models import Provider, VerificationRound
from directory.services import send_verification_links


class Command(BaseCommand):
    help = (
        "Ask listings last verified more than DAYS ago to confirm themselves: an emailed confirm-your-listing link "
        "(queued for send_queued_mail), or a place on the moderators' call list when the listing has no email. "
        "Listings asked within VERIFICATION_ASK_AGAIN_DAYS are left alone. Run it monthly from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="older_than")
        parser.add_argument("--limit", type=int, metavar="N", help="Ask at most N listings, the longest unverified.")
        parser.add_argument("--dry-run", action="store_true", help="Count whom this would ask; send nothing.")

    def handle(self, older_than, limit, dry_run, **options):
        if older_than < 0 or (limit is not None and limit < 1):
            raise CommandError(
                "--older-than is a number of days (0 or more) and --limit a number of listings (1 or more)."
            )
        due = Provider.objects.due_for_verification(older_than).values_list("pk", "email")
        listings = list(due[:limit] if limit else due)
        if dry_run:
            with_email = sum(1 for _, email in listings if email)
            self.stdout.write(
                f"Would email {with_email} listing(s) and add {len(listings) - with_email} to the call list (dry run)."
            )
            return
        verification_round = VerificationRound.objects.create(
            kind=VerificationRound.Kind.SCHEDULED, older_than_days=older_than
        )
        emailed, to_call = send_verification_links([pk for pk, _ in listings], round=verification_round)
        self.stdout.write(
            self.style.SUCCESS(
                f"{verification_round}: {emailed} email(s) queued (send_queued_mail sends them), "
                f"{to_call} listing(s) added to the call list (admin: Directory › Listings to call)."
            )
        )
