"""A fleet update on this machine, end to end, as root: the kiosk package installed with apt,
a real central service on loopback offering a newer version, the installed kiosk's own
`kiosk sync --once` downloading and verifying it, the installed app asking for it between
visits (run in a headless cage session as the kiosk account), and the package's root updater
installing it (what kiosk-update.path starts). Shared by tests/deb/test_fleet_update.py and
`make bench` (tests/bench/update_bench.py), which times it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.updates.signing import sign_package
from tests.support.deb_machine import (
    ACCOUNT,
    COMMAND,
    CONFIG,
    DATA,
    apt_install,
    as_kiosk,
    build,
    leave_the_machine_as_it_was,
    run,
    run_in_cage,
)

UPDATER = Path("/usr/lib/kiosk/kiosk-update")
# The Qt platform plugin the self-test runs on: a build that lost it is a broken release (it
# happens: a trimmed bundle, a packaging slip), and fails its self-test.
OFFSCREEN_PLUGIN = "_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so"
FIRST_LOOK_SECONDS = 3  # ui/update_window.py's first look after the app starts
__all__ = ["ACCOUNT", "COMMAND", "CONFIG", "DATA", "apt_install", "as_kiosk",
           "leave_the_machine_as_it_was", "run"]


def bundle_version(bundle: Path) -> str:
    return run(bundle / "kiosk", "--version").stdout.split()[1]


def build_package(bundle: Path, version: str, out: Path, broken: bool = False,
                  compress: str = "zstd") -> Path:
    """The kiosk package of `bundle` as `version`; `broken`: without the platform plugin the
    self-test needs."""
    out.mkdir(parents=True, exist_ok=True)
    if not broken:
        return build(bundle, version, out, compress)
    source = out / f"bundle-{version}"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(bundle, source, symlinks=True)
    (source / OFFSCREEN_PLUGIN).unlink()
    try:
        return build(source, version, out, compress)
    finally:
        shutil.rmtree(source)


def sign(package: Path, private_pem: bytes, version: str, name: str | None = None) -> Path:
    signature = sign_package(private_pem, package, version)
    target = package.with_name(name or package.name + ".sig")
    target.write_text(json.dumps(signature.as_json()), encoding="utf-8")
    return target


def installed_version() -> str:
    return run("dpkg-query", "-W", "-f=${Version}", "kiosk").stdout.strip()


def write_config(toml_block: str, url: str, public_key: str) -> None:
    """/etc/kiosk/kiosk.toml as IT writes it for this site: the central's block, the release
    key pinned."""
    block = tomllib.loads(toml_block)["destinations"]["central"]
    block["url"] = url
    lines = ['site_id = "FLEET1"', f'data_dir = "{DATA}"', "heartbeat_minutes = 1", "",
             "[updates]", f'public_key = "{public_key}"', "", "[destinations.central]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in block.items() if value is not None]
    CONFIG.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(CONFIG, 0o640)
    shutil.chown(CONFIG, "root", ACCOUNT)


def update_status() -> dict:
    return json.loads(as_kiosk(COMMAND, "update", "status", "--json").stdout)


def sync_once() -> subprocess.CompletedProcess[str]:
    """One `kiosk sync --once` of the installed kiosk: sends, reports (the heartbeat), and
    goes on with an offered update."""
    return as_kiosk(COMMAND, "sync", "--once", check=False)


def app_between_visits(seconds: float = 10) -> None:
    """The installed app, in a headless cage session as kiosk.service starts it, left alone for
    `seconds`: between visits it asks for a staged update."""
    run_in_cage(seconds=seconds)


def run_updater() -> subprocess.CompletedProcess[str]:
    """What kiosk-update.path starts when the request appears (this machine has no systemd)."""
    return run(UPDATER, check=False, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                          "KIOSK_CONFIG": str(CONFIG)})


@dataclass
class Timings:
    """Seconds for each step of one update, from the offer to the new version running."""

    steps: dict[str, float] = field(default_factory=dict)

    def measure(self, name: str):
        timings = self

        class _Step:
            def __enter__(self):
                self.started = time.perf_counter()

            def __exit__(self, *exc):
                timings.steps[name] = time.perf_counter() - self.started

        return _Step()

    @property
    def total(self) -> float:
        return sum(self.steps.values())
