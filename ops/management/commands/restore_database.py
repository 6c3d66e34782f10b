from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops.database import restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database in DATABASE_URL with a backup made by backup_database "
        "(pg_restore --clean --if-exists --no-owner on PostgreSQL). The database may be empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--noinput", action="store_true", help="Do not ask for confirmation.")

    def handle(self, file, noinput, **options):
        name = connection.settings_dict["NAME"]
        if not noinput:
            answer = input(f"This replaces everything in the database {name} with {file}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        restore(file)
        self.stdout.write(f"Restored {file} into {name}")
