"""The fleet: every kiosk with its last heartbeat, marked silent (in words, and red) when two
of its heartbeat intervals have passed without one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...fleet import clock_words, disk_words, duration_words, fleet
from .access import ADMINISTRATOR, VIEWER, has_role, staff_required
from .common import service_of


@staff_required(VIEWER)
def fleet_page(request: HttpRequest) -> HttpResponse:
    rows = fleet(service_of(request).store.devices())
    shown = []
    for row in rows:
        beat = row.heartbeat
        shown.append({
            "row": row,
            "silent_for": duration_words(row.silent_for) if row.silent_for is not None else "",
            "heard": clock_words(beat["received_at"]) if beat else "",
            "oldest": clock_words(beat["oldest_waiting"]) if beat else "",
            "free": disk_words(beat["free_disk_bytes"]) if beat else ""})
    return render(request, "console/ops/fleet.html", {
        "section": "fleet", "kiosks": shown,
        "silent": sum(1 for row in rows if row.standing == "silent"),
        "may_manage": has_role(request.user, ADMINISTRATOR)})
