"""Backing up and restoring the site's database, for the engine in DATABASE_URL.

PostgreSQL uses pg_dump's custom format and pg_restore; SQLite uses its online backup API, which
copies a consistent snapshot while the site keeps running.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection


def is_postgresql():
    return connection.vendor == "postgresql"


def default_backup_path():
    folder = Path(os.environ.get("BACKUP_DIR", settings.BASE_DIR / "backups"))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if is_postgresql() else "sqlite3"
    name = Path(str(connection.settings_dict["NAME"])).stem or "database"
    return folder / f"{name}-{stamp}.{suffix}"


def backup(path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if is_postgresql():
        _run_postgres_tool("pg_dump", "--format=custom", "--no-owner", f"--file={path}")
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return path


def restore(path):
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"No backup file at {path}")
    if is_postgresql():
        connection.close()
        _run_postgres_tool(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", str(path)
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def _run_postgres_tool(tool, *args):
    if shutil.which(tool) is None:
        raise CommandError(f"{tool} is not installed: run `make backup`, which installs postgresql-client.")
    db = connection.settings_dict
    # Connection details go through libpq's environment so the password never shows in a process list.
    env = {
        **os.environ,
        "PGHOST": db["HOST"] or "",
        "PGPORT": str(db["PORT"] or ""),
        "PGUSER": db["USER"] or "",
        "PGPASSWORD": db["PASSWORD"] or "",
        "PGDATABASE": db["NAME"],
        "PGCONNECT_TIMEOUT": str(settings.DATABASE_CONNECT_TIMEOUT),
    }
    database_flag = ["--dbname", db["NAME"]] if tool == "pg_restore" else []
    result = subprocess.run([tool, *database_flag, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{tool} failed:\n{result.stderr.strip()}")
