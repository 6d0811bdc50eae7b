"""The fleet: every kiosk with its last heartbeat, marked silent (in words, and red) when two
of its heartbeat intervals have passed without one; and the kiosk version offered to it,
whether it is behind, and how its last update went (a rollback or a refused package in red)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...fleet import KioskRow, clock_words, disk_words, duration_words, fleet
from ...records import UpdateState
from ...updates import Offer, newer, offer_for, offers
from .access import ADMINISTRATOR, VIEWER, has_role, staff_required
from .common import service_of

UPDATE_WORDS = {"downloading": "Downloading", "ready": "Downloaded, waiting for a quiet moment",
                "installing": "Installing", "installed": "Installed", "rejected": "Refused",
                "rolled_back": "Rolled back"}
WARNING_STATES = {"rejected", "rolled_back"}  # staff look at these


@dataclass(frozen=True)
class Summary:
    """One line per offer kiosks are given: how many of the kiosks it applies to run it."""

    offer: Offer
    running: int
    kiosks: int

    @property
    def since(self) -> str:
        return clock_words(self.offer.offered_at)


@staff_required(VIEWER)
def fleet_page(request: HttpRequest) -> HttpResponse:
    store = service_of(request).store
    rows = fleet(store.devices())
    every = offers(store)
    shown: list[dict[str, object]] = []
    given: dict[str, list[KioskRow]] = {}
    for row in rows:
        beat = row.heartbeat
        offer = offer_for(row.device_id, every) if row.standing != "revoked" else None
        if offer is not None:
            given.setdefault(offer.version, []).append(row)
        shown.append({
            "row": row,
            "silent_for": duration_words(row.silent_for) if row.silent_for is not None else "",
            "heard": clock_words(beat["received_at"]) if beat else "",
            "oldest": clock_words(beat["oldest_waiting"]) if beat else "",
            "free": disk_words(beat["free_disk_bytes"]) if beat else "",
            "offer": offer, "behind": _behind(row, offer),
            "update": _update_state(beat["update_state"] if beat else None)})
    summaries = [Summary(offer, sum(_runs(row, offer) for row in given[offer.version]),
                         len(given[offer.version]))
                 for offer in every if offer.version in given]
    return render(request, "console/ops/fleet.html", {
        "section": "fleet", "kiosks": shown, "summaries": summaries,
        "silent": sum(1 for row in rows if row.standing == "silent"),
        "behind": sum(1 for item in shown if item["behind"]),
        "may_manage": has_role(request.user, ADMINISTRATOR)})


def _behind(row: KioskRow, offer: Offer | None) -> bool:
    """Its version is older than the offer that applies to it (never heard from: not yet)."""
    if offer is None or row.heartbeat is None:
        return False
    return bool(newer(offer.version, row.heartbeat["version"]))


def _runs(row: KioskRow, offer: Offer) -> bool:
    """It reported the offered version itself (dpkg's order: 1.5.0 and 1.5.0 alike)."""
    if row.heartbeat is None:
        return False
    running = row.heartbeat["version"]
    return newer(offer.version, running) is False and newer(running, offer.version) is False


def _update_state(state: UpdateState | None) -> dict[str, object] | None:
    if not state:
        return None
    name = state.get("state", "")
    return {"words": UPDATE_WORDS.get(name, name), "version": state.get("version", ""),
            "message": state.get("message", ""), "at": clock_words(state.get("at")),
            "warning": name in WARNING_STATES, "state": name}
