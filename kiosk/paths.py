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


def demo_data_dir() -> Path:
    """The data folder of `kiosk run --demo`, apart from real data: `kiosk helper set-pin
    --demo` (and the other helper commands with --demo) work on it."""
    import tempfile

    return Path(tempfile.gettempdir()) / "kiosk-demo"
