"""Bringing a service's database to the code's migrations, once, whoever opens it first.

Several gunicorn workers open the database at once: the first takes a lock (PostgreSQL: an
advisory lock; SQLite: the write lock of an IMMEDIATE transaction is not enough for Django's
migrate, so a lock file in the data folder) and migrates; the others wait for it and then find
nothing to do. Checking costs a query when there is nothing to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from . import legacy
from .databases import serving

_LOCK_FILE = ".migrate.lock"
_ADVISORY_KEY = 0x6B696F736B  # any fixed number: "kiosk"


def pending(alias: str) -> bool:
    executor = MigrationExecutor(connections[alias])
    targets = executor.loader.graph.leaf_nodes()
    return bool(executor.migration_plan(targets))


def migrate_database(alias: str, data_dir: Path) -> bool:
    """Apply what is missing; True when something was applied."""
    with serving(alias):
        if not pending(alias):
            return False
        with _exclusive(alias, data_dir):
            if not pending(alias):  # another process did it while this one waited
                return False
            database = Path(connections[alias].settings_dict["NAME"])
            if connections[alias].vendor == "sqlite" and legacy.is_legacy(database):
                legacy.upgrade(alias, database)
                return True
            with open(os.devnull, "w") as quiet:
                call_command("migrate", database=alias, interactive=False, verbosity=0,
                             stdout=quiet)
        from .seed import seed

        seed(alias)
        return True


@contextlib.contextmanager
def _exclusive(alias: str, data_dir: Path) -> Iterator[None]:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_ADVISORY_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_KEY])
        return
    with open(data_dir / _LOCK_FILE, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
