"""Touches for the licence form: a whole renew-driving-licence visit from the attract screen
to the reference number, with real X taps on a real kiosk window under Xvfb (the same hand as
the real-input tests, tests/ui/real_input.py), typing key by key. Goal: 60 or fewer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.ui.real_input import Finger, Kiosk, XServer, licence_visit, missing_tools


def bench_touches() -> int | None:
    """The touches a citizen needs; None when Xvfb or xdotool is missing."""
    if missing_tools():
        return None
    server = XServer()
    try:
        with tempfile.TemporaryDirectory() as folder:
            kiosk = Kiosk(server.display, Path(folder) / "kiosk")
            finger = Finger(server.display)
            try:
                licence_visit(kiosk, finger)
            finally:
                kiosk.stop()
            return finger.touches - finger.extra
    finally:
        server.stop()
