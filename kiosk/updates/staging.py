"""The update folder (data_dir/updates): what a kiosk holds between downloading an update and
running it, shared by the sync worker (it downloads and verifies), the app (it asks for the
install between visits) and the root updater (build/deb/kiosk-update.sh installs it).

- kiosk_<version>_amd64.deb.part: a download under way, resumed where it stopped;
- kiosk_<version>_amd64.deb and .deb.sig: a package verified against the pinned release key;
- ready.json: that package's version and file names, written last (the package is ready);
- install-request: the app's "now, between visits" (the updater's systemd path unit waits
  for it);
- state.json: the last thing that happened (downloading, ready, installing, installed,
  rejected, rolled_back), reported in every heartbeat so the fleet view shows it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..store.clock import iso
from ..store.keys import sync_folder, write_temporary
from . import STATES
from .signing import package_name

READY = "ready.json"
REQUEST = "install-request"
STATE = "state.json"
MESSAGE_LIMIT = 500


def write_atomically(path: Path, text: str) -> None:
    """Whole or not at all, even across a power cut: a temporary file, synced, renamed, and
    the new name synced too."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(write_temporary(path.parent, text.encode(), prefix=f".{path.name}.", suffix=".tmp"),
               path)
    sync_folder(path.parent)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class UpdateFolder:
    def __init__(self, folder: Path):
        self.folder = folder

    # -- what is staged ------------------------------------------------------------------------
    def partial(self, version: str) -> Path:
        return self.folder / (package_name(version) + ".part")

    def package(self, version: str) -> Path:
        return self.folder / package_name(version)

    def ready(self) -> dict[str, Any] | None:
        """The verified package waiting to be installed: {"version", "package", "signature"}."""
        ready = _read_json(self.folder / READY)
        if ready is None or not isinstance(ready.get("version"), str):
            return None
        if not (self.folder / str(ready.get("package"))).is_file():
            return None
        return ready

    def stage(self, version: str, verified: Path, signature: Mapping[str, Any]) -> None:
        """A verified download becomes the package waiting to be installed."""
        package = self.package(version)
        os.replace(verified, package)
        write_atomically(package.with_name(package.name + ".sig"), json.dumps(signature, indent=1))
        write_atomically(self.folder / READY, json.dumps(
            {"version": version, "package": package.name, "signature": package.name + ".sig"}))

    def discard(self, keep: str | None = None) -> None:
        """Every staged or partial package but `keep`'s version, the ready mark and a request
        (an offer withdrawn, or a newer one in its place)."""
        if not self.folder.is_dir():
            return
        kept = package_name(keep) if keep else None
        ready = self.ready()
        if ready is None or ready.get("version") != keep:
            for name in (READY, REQUEST):
                (self.folder / name).unlink(missing_ok=True)
        for path in self.folder.glob("kiosk_*.deb*"):
            if kept is None or not path.name.startswith(kept):
                path.unlink(missing_ok=True)

    # -- between visits ------------------------------------------------------------------------
    def request_install(self, version: str) -> None:
        write_atomically(self.folder / REQUEST, version + "\n")

    def install_requested(self) -> bool:
        return (self.folder / REQUEST).exists()

    def withdraw_request(self) -> None:
        (self.folder / REQUEST).unlink(missing_ok=True)

    # -- what happened last --------------------------------------------------------------------
    def note(self, state: str, version: str, at: datetime, message: str = "") -> None:
        if state not in STATES:
            raise ValueError(f"not an update state: {state}")
        note = {"state": state, "version": version, "at": iso(at)}
        if message:
            note["message"] = message[:MESSAGE_LIMIT]
        write_atomically(self.folder / STATE, json.dumps(note))

    def last(self) -> dict[str, Any] | None:
        """The last update state, as the heartbeat carries it (None: nothing yet)."""
        note = _read_json(self.folder / STATE)
        if note is None or note.get("state") not in STATES or not isinstance(note.get("version"), str):
            return None
        shown = {key: note[key] for key in ("state", "version", "at", "message")
                 if isinstance(note.get(key), str)}
        if "message" in shown:
            shown["message"] = shown["message"][:MESSAGE_LIMIT]
        return shown
