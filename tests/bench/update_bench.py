"""One fleet update from the central's offer to the new version
running (tests/support/fleet_update.py: the package installed with apt, a central on loopback,
the installed kiosk's sync, app and root updater), timed step by step. Root only: it installs
the package on this machine and purges it after."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk.updates.signing import generate_key
from sync.central.setup import init_central
from tests.bench.bundle_bench import KIOSK, ensure_bundles
from tests.support import fleet_update as fleet
from tests.support.central import running_central
from tests.support.deb_machine import why_not_here
from ui.cli import main as kiosk_command

UPDATE_GOAL_SECONDS = 300  # on loopback; the download over a real line comes on top


def bench_update() -> tuple[list[dict], str]:
    reason = why_not_here()
    if reason:
        return [], f"update: not measured ({reason})"
    ready, how = ensure_bundles()
    if not ready:
        return [], f"update: not measured ({how})"
    bundle = KIOSK.parent
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        base = fleet.bundle_version(bundle)
        first, second = f"{base}+bench1", f"{base}+bench2"
        packages = {version: fleet.build_package(bundle, version, out) for version in (first, second)}
        size = packages[second].stat().st_size / 1e6
        private, public = generate_key()
        timings = fleet.Timings()
        fleet.leave_the_machine_as_it_was()
        init = init_central(out / "central", "http://127.0.0.1:8765", device_id="bench-1")
        try:
            with running_central(out / "central", init) as central:
                fleet.apt_install(packages[first])
                fleet.write_config(init.toml_block, central.url, public)
                signature = fleet.sign(packages[second], private, second)
                with timings.measure("offer"):
                    assert kiosk_command(["central", "offer-update", str(packages[second]),
                                          "--signature", str(signature), "--data-dir",
                                          str(central.data_dir)]) == 0
                with timings.measure("heartbeat, download, verify, stage (sync --once)"):
                    fleet.sync_once()
                with timings.measure("the app asks, between visits"):
                    fleet.app_between_visits(seconds=fleet.FIRST_LOOK_SECONDS + 1)
                with timings.measure("root updater: check, keep the way back, apt, self-test"):
                    done = fleet.run_updater()
                assert done.returncode == 0 and fleet.installed_version() == second, done.stdout
        finally:
            fleet.leave_the_machine_as_it_was()
    for step, seconds in timings.steps.items():
        rows.append({"name": f"update: {step}", "value": seconds, "unit": "s"})
    rows.append({"name": "update: offer to new version running, total (loopback)",
                 "value": timings.total, "unit": "s", "goal": f"< {UPDATE_GOAL_SECONDS}"})
    return rows, (f"update: {size:.1f} MB package (zstd) over loopback; the app's step is its "
                  "first look after start, and between visits it looks every 15 s")
