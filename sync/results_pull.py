"""Consultation results from the central service, kept in the kiosk's settings table so the
screens can show them offline too, with the time they were fetched.

Only counts arrive (the service never sends who answered what). An unchanged answer (304)
still records the time: the results shown are then known to be current.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.consultation import RESULTS_SETTING
from kiosk.store.clock import iso

if TYPE_CHECKING:
    from kiosk.store import Store

    from .transport import RestTransport


def pull_results(transport: RestTransport, store: Store, now: datetime) -> bool:
    """Ask for the results (with the last ETag) and keep them; True when they changed."""
    kept = store.settings.get(RESULTS_SETTING) or {}
    answer = transport.consultation_results(kept.get("etag") if kept.get("consultations")
                                            is not None else None)
    if answer is None:
        store.settings.put(RESULTS_SETTING, {**kept, "fetched_at": iso(now)})
        return False
    etag, consultations = answer
    by_form = {entry["form_id"]: entry for entry in consultations
               if isinstance(entry.get("form_id"), str)}
    store.settings.put(RESULTS_SETTING, {"etag": etag, "fetched_at": iso(now),
                                        "consultations": by_form})
    return by_form != kept.get("consultations")
