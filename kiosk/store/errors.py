"""Store failures as one sentence a person can act on; nothing is ever half-written."""

from __future__ import annotations

import sqlite3


class StoreError(Exception):
    """The kiosk could not save or read; the message says why and what to do."""


DISK_FULL = ("The kiosk cannot save: its disk is full. Nothing was saved. "
             "Ask IT to free space on the kiosk.")
READ_ONLY = ("The kiosk cannot save: its data folder cannot be written to. Nothing was saved. "
             "Ask IT to check the data folder's permissions.")
CANNOT_OPEN = "The kiosk cannot open its data folder {path}: {reason}. Ask IT to check it."
BUSY = "The kiosk's database is busy; try again in a moment."


def explain(error: sqlite3.Error) -> StoreError:
    """Turn SQLite's words into a StoreError a helper or IT can act on."""
    text = str(error).lower()
    if "full" in text:
        return StoreError(DISK_FULL)
    if "readonly" in text or "read-only" in text:
        return StoreError(READ_ONLY)
    if "locked" in text or "busy" in text:
        return StoreError(BUSY)
    if "disk i/o" in text:
        return StoreError("The kiosk cannot save: its disk reported an error. Nothing was "
                          "saved. Ask IT to check the disk.")
    return StoreError(f"The kiosk's database failed ({error}). Nothing was saved.")
