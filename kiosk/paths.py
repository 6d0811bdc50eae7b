"""Where the kiosk's own files are: beside the source, or inside a PyInstaller bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def assets_dir() -> Path:
    override = os.environ.get("KIOSK_ASSETS_DIR")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller in a frozen build
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def sample_forms_dir() -> Path:
    return assets_dir() / "forms"
