from django.core.management.base import BaseCommand

from ops.database import backup, default_backup_path


class Command(BaseCommand):
    help = (
        "Back up the database in DATABASE_URL: pg_dump's custom format on PostgreSQL, SQLite's online backup "
        "on SQLite. Writes to --output, or to BACKUP_DIR (default backups/) with a timestamped name."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; its folder is created if missing.")

    def handle(self, output, **options):
        path = backup(output or default_backup_path())
        self.stdout.write(f"Backed up to {path}")
