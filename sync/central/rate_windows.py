"""Requests counted per key (an address, a device) in the database, so every worker process
and every server over the same database counts the same requests.

A fixed window opened by the key's first request: `limit.requests` may come in the
`limit.window_seconds` that follow; the next waits until the window ends. Counting is one
short transaction on the key's own row, locked while it is counted.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.db import IntegrityError

from .store import CentralStore
from .web import models


@dataclass(frozen=True)
class Limit:
    requests: int
    window_seconds: int


def admit(store: CentralStore, key: str, limit: Limit, now: float | None = None) -> int:
    """0 when the request may go ahead (it is counted), else the whole seconds until one may."""
    moment = time.time() if now is None else now
    second = math.floor(moment)
    windows = store._objects(models.RateWindow)
    with store.atomic():
        row = windows.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with store.atomic():  # a savepoint: another worker may create it first
                    windows.create(key=key, window_start=second, count=1)
                    _forget_ended(store, key, limit, second)
                return 0
            except IntegrityError:
                row = windows.select_for_update().get(key=key)
        start: int = row.window_start
        if second >= start + limit.window_seconds:
            row.window_start, row.count = second, 1
        elif row.count >= limit.requests:
            return max(1, math.ceil(start + limit.window_seconds - moment))
        else:
            row.count += 1
        row.save(update_fields=["window_start", "count"])
    return 0


def _forget_ended(store: CentralStore, key: str, limit: Limit, second: int) -> None:
    """Windows of the same kind that have ended say nothing any more: the table holds only the
    keys seen within one window, however many addresses come and go."""
    kind = key.partition(":")[0] + ":"
    store._objects(models.RateWindow).filter(
        key__startswith=kind, window_start__lt=second - limit.window_seconds).delete()
