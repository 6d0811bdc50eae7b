"""Point 3 of issue 23 on a real machine: a fleet update from the central's offer to the new
version running, through the installed package's own pieces (apt, the installed kiosk's sync
and app, the root updater), against a real central service on loopback. A package signed
with another key is refused before it is fetched; a release that fails its self-test is rolled
back by itself, before it ever opens the kiosk's database; the fleet view hears each outcome.

Root only (CI runs as root): it installs the kiosk package on this machine, and purges it,
its data, its cache and its account at the end, passed or failed."""

from __future__ import annotations

from kiosk.updates.signing import generate_key
from kiosk.updates.versions import is_newer
from tests.support import fleet_update as fleet
from ui.cli import main


def offer(central, package, signature):
    assert main(["central", "offer-update", str(package), "--signature", str(signature),
                 "--data-dir", str(central.data_dir)]) == 0


def heard_last(central):
    from sync.central.web.models import Heartbeat

    beat = Heartbeat.objects.using(central.server.store.alias).order_by("-received_at").first()
    return beat.version, beat.update_state


def test_a_fleet_update_from_offer_to_running_and_a_broken_one_rolled_back(
        machine, central, bundle, tmp_path):
    base = fleet.bundle_version(bundle)
    first, second, third = (f"{base}+fleet{n}" for n in (1, 2, 3))
    assert is_newer(third, second) and is_newer(second, first)
    out = tmp_path / "packages"
    packages = {version: fleet.build_package(bundle, version, out, broken=version == third)
                for version in (first, second, third)}
    private, public = generate_key()
    stranger, _ = generate_key()

    fleet.apt_install(packages[first])
    fleet.write_config(central.init.toml_block, central.url, public)
    assert fleet.installed_version() == first

    # 1. An offer signed with another key: refused before a byte of it is fetched.
    offer(central, packages[second], fleet.sign(packages[second], stranger, second,
                                                 name="stranger.sig"))
    synced = fleet.sync_once()
    status = fleet.update_status()
    assert status["ready"] is None
    assert status["last"] is not None, synced.stdout + synced.stderr
    assert status["last"]["state"] == "rejected"
    assert "not made with the release key pinned" in status["last"]["message"]
    assert not list((fleet.DATA / "updates").glob("kiosk_*"))
    fleet.sync_once()  # its next heartbeat says why: the fleet view shows it
    assert heard_last(central)[1]["state"] == "rejected"
    for command in ("withdraw-update", "delete-update"):  # IT takes the wrong one back
        assert main(["central", command, second, "--data-dir", str(central.data_dir)]) == 0

    # 2. The same version, signed by IT's release key: downloaded, verified, staged.
    offer(central, packages[second], fleet.sign(packages[second], private, second))
    fleet.sync_once()
    status = fleet.update_status()
    assert status["ready"]["version"] == second, status
    # Between visits, the installed app asks for it (and closes itself to visits).
    fleet.app_between_visits()
    assert (fleet.DATA / "updates" / "install-request").read_text().strip() == second
    # The root updater (kiosk-update.path starts it when the request appears).
    done = fleet.run_updater()
    assert done.returncode == 0, done.stdout + done.stderr
    assert fleet.installed_version() == second
    assert fleet.as_kiosk(fleet.COMMAND, "--version").stdout.split()[1] == second
    assert fleet.update_status()["last"]["state"] == "installed"
    assert not (fleet.DATA / "updates" / "install-request").exists()
    fleet.sync_once()  # the heartbeat says the version now running: not behind any more
    assert heard_last(central)[0] == second
    assert heard_last(central)[1]["state"] == "installed"

    # 3. A release that fails its self-test: rolled back by itself.
    offer(central, packages[third], fleet.sign(packages[third], private, third))
    fleet.sync_once()
    assert fleet.update_status()["ready"]["version"] == third
    fleet.app_between_visits()
    done = fleet.run_updater()
    assert done.returncode == 1
    assert "failed its self-test" in done.stdout
    assert fleet.installed_version() == second
    assert fleet.as_kiosk(fleet.COMMAND, "--version").stdout.split()[1] == second
    last = fleet.update_status()["last"]
    assert (last["state"], last["version"]) == ("rolled_back", third)
    assert "self-test" in last["message"]
    assert fleet.as_kiosk("QT_QPA_PLATFORM=offscreen", fleet.COMMAND, "self-test").returncode == 0
    fleet.sync_once()
    version, state = heard_last(central)
    assert version == second and state["state"] == "rolled_back"
    # Not taken again: IT offers a fixed version instead.
    fleet.sync_once()
    assert fleet.update_status()["ready"] is None
