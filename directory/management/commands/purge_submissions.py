from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from directory.models import ProblemReport, SubmissionSlot, Suggestion

# A slot older than this cannot hold anyone back any more (the limit's window is one hour).
SLOT_KEEP = timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Delete suggestions and problem reports that moderators have handled (accepted, rejected or resolved) "
        "and that arrived more than SUBMISSION_RETENTION_DAYS ago, with their admin log entries, and "
        "rate-limit records older than a day. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    @transaction.atomic
    def handle(self, dry_run, **options):
        verb = "would be deleted" if dry_run else "deleted"
        days = settings.SUBMISSION_RETENTION_DAYS
        for model in (Suggestion, ProblemReport):
            expired = model.objects.expired()
            log_entries = LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=expired.annotate(id_text=Cast("pk", TextField())).values("id_text"),
            )
            count, log_count = expired.count(), log_entries.count()
            if not dry_run:
                log_entries.delete()
                expired.delete()
            label = model._meta.verbose_name_plural.capitalize()
            self.stdout.write(f"{label} handled and older than {days} days: {count} {verb} ({log_count} log entries)")
        slots = SubmissionSlot.objects.filter(used_at__lt=timezone.now() - SLOT_KEEP)
        slot_count = slots.count()
        if not dry_run:
            slots.delete()
        self.stdout.write(f"Rate-limit records older than a day: {slot_count} {verb}")
