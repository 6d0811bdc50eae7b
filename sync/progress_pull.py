"""The progress of applications: review states from the central service (`POST /v1/progress`).

In each round, after the consultation results, the worker asks for the references this kiosk
issued that are still undecided and within retention (store.progress.to_poll), 200 a request,
and keeps what comes back, so the progress screen can show the last known state offline. Only a
service whose /health says `"progress": true` is asked; an older one is left alone.

On demand, the progress screen asks about one reference at once (`check_now`), on its own
connection, bounded by the destination's deadlines: any whole reference the citizen types,
though only this kiosk's own are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.progress_check import read_answer
from kiosk.store.clock import iso

from .transport import LinkDown, RestTransport

if TYPE_CHECKING:
    from kiosk.config import Destination
    from kiosk.store import Store
    from kiosk.store.progress_states import KnownProgress

PER_REQUEST = 200  # references a request, as the contract allows


@dataclass(frozen=True)
class PullOutcome:
    asked: int = 0  # references asked about
    kept: int = 0  # states kept
    requests: int = 0


def pull_progress(transport: RestTransport, store: Store, destination: str, now: datetime,
                  go_on: Callable[[], bool] = lambda: True) -> PullOutcome:
    """Ask about every reference to poll, PER_REQUEST at a time, and keep the answers. LinkDown
    (or AuthRefused) when a request fails: what was kept before it stays. `go_on` is asked
    before each request (the round's time budget)."""
    if not transport.has_progress:
        return PullOutcome()
    references = store.progress.to_poll(destination, now)
    asked = kept = requests = 0
    for start in range(0, len(references), PER_REQUEST):
        if not go_on():
            break
        chunk = references[start:start + PER_REQUEST]
        answer = transport.progress(chunk)
        requests += 1
        if answer is None:  # the route went away (a central rolled back): asked again later
            transport.has_progress = False
            break
        kept += store.progress.keep(_read(answer, chunk, now), now)
        asked += len(chunk)
    return PullOutcome(asked, kept, requests)


def _read(answer: object, asked: list[str], now: datetime) -> list[KnownProgress]:
    try:
        return read_answer(answer, set(asked), iso(now))
    except ValueError:  # a proxy's page, not the service's answer
        raise LinkDown("the progress of applications was not understood") from None


def check_now(destination: Destination, site_id: str, store: Store, reference: str,
              now: datetime) -> KnownProgress | None:
    """Ask the service about `reference` now: its state, or None when the service does not
    know it. LinkDown (or AuthRefused) when it cannot be asked; LinkDown too from a service
    without the route. A reference this kiosk issued is kept for offline use."""
    transport = RestTransport(destination, site_id)
    try:
        answer = transport.progress([reference])
    finally:
        transport.close()
    if answer is None:
        raise LinkDown("the central service cannot tell the progress of applications")
    found = _read(answer, [reference], now)
    store.progress.keep(found, now)
    return found[0] if found else None
