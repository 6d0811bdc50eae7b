"""The kiosk's version and, in a bundle, when it was built.

From the installed package's metadata; a PyInstaller bundle carries build_info.json beside this
file instead (written by build/kiosk.spec), with the version and the build time baked in.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TypedDict

DISTRIBUTION = "public-service-kiosk"
BUILD_INFO = Path(__file__).with_name("build_info.json")
# The oldest date a sane clock can show when the kiosk runs from source (no build time): the
# day of the latest release in CHANGELOG.md. A bundle uses the moment it was built.
RELEASED = "2026-11-27"


class BuildInfo(TypedDict, total=False):
    """build_info.json, as build/kiosk.spec writes it into a bundle."""

    version: str
    built_at: str  # ISO 8601, with its time zone
    commit: str


@cache
def build_info() -> BuildInfo:
    try:
        info: BuildInfo = json.loads(BUILD_INFO.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info


def version() -> str:
    baked = build_info().get("version")
    if baked:
        return baked
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def built_at() -> datetime:
    """When this bundle was built, else the release day: a clock before it is wrong."""
    baked = build_info().get("built_at")
    if baked is not None:
        try:
            return datetime.fromisoformat(baked)
        except (TypeError, ValueError):  # not a date, or not text at all
            pass
    return datetime.fromisoformat(RELEASED).replace(tzinfo=UTC)


def describe() -> str:
    """One line for `kiosk --version`."""
    info = build_info()
    if info:
        return f"kiosk {version()} (bundle built {info.get('built_at', '?')}" + (
            f", commit {info['commit']}" if info.get("commit") else "") + ")"
    return f"kiosk {version()}"
