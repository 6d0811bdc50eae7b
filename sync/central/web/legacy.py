"""A central database from before the Django models (its tables made by sqlite-utils
migrations) is brought over whole at the first start of this version.

The old file is checkpointed and kept beside the new one as central.db.before-django (a way
back, and proof of what was there); a new database is migrated the Django way; then every row
of every table both know is copied in one transaction, column by column as the new table has
them. The receive-order counter resumes after the last submission.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connections, transaction

from ..errors import CentralError

KEPT_SUFFIX = ".before-django"
_TABLES = ("settings", "devices", "admin_tokens", "submissions", "heartbeats",
           "consultation_week_tallies", "consultation_progress", "audit_anchors")


def is_legacy(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master "
                                                "WHERE type = 'table'")}
    return "_sqlite_migrations" in names and "django_migrations" not in names


def upgrade(alias: str, path: Path) -> int:
    """Move the old database aside, migrate a new one and copy the rows; how many."""
    kept = path.with_name(path.name + KEPT_SUFFIX)
    if kept.exists():
        raise CentralError(f"{kept} is already there: an earlier upgrade stopped half way. Put "
                           f"it back as {path.name} (and remove the new one) to try again.")
    connections[alias].close()
    with contextlib.closing(sqlite3.connect(path)) as old:
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    path.rename(kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS old", [str(kept)])  # outside a transaction
        try:
            with transaction.atomic(using=alias):
                copied = _copy(connection, cursor)
        finally:
            cursor.execute("DETACH DATABASE old")
    return copied


def _copy(connection: Any, cursor: Any) -> int:
    copied = 0
    for table in _TABLES:
        cursor.execute(f"PRAGMA old.table_info({table})")
        old_columns = {row[1] for row in cursor.fetchall()}
        if not old_columns:
            continue
        new_columns = [c.name for c in
                       connection.introspection.get_table_description(cursor, table)]
        shared = ", ".join(c for c in new_columns if c in old_columns)
        cursor.execute(f"INSERT INTO main.{table} ({shared}) SELECT {shared} FROM old.{table}")
        copied += max(cursor.rowcount, 0)
    cursor.execute("INSERT INTO counters (name, value) SELECT 'submissions', "
                   "COALESCE(MAX(seq), 0) FROM submissions WHERE true "
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    return copied
