"""What the central's tables hold, read through its store (the ORM, so SQLite and PostgreSQL
alike): to show that a request changed nothing."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from sync.central.store import CentralStore

# Counts of requests, not anything a request said: a rate limit counts the refused ones too
# (a flood of bad requests is still a flood).
REQUEST_COUNTS = {"rate_windows"}


def table_rows(store: CentralStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every central table but the request counts, in a stable order: equal
    before and after a request only if it wrote nothing (an update of a row included)."""
    return {model._meta.db_table: sorted(map(repr, store._objects(model).values_list()))
            for model in apps.get_app_config("central").get_models()
            if model._meta.db_table not in REQUEST_COUNTS}
