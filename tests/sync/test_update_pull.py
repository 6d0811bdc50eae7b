"""Fleet updates, the kiosk's side, against the real central service on loopback: an offered
version is downloaded in the background, checked against the release key pinned in the
kiosk's config (before a byte is fetched, and once whole), staged for the app to install
between visits; a bad signature, a swapped file, a withdrawn offer or a broken link never
leaves a package to install."""

from __future__ import annotations

import os

import pytest

from kiosk.config import load_config
from kiosk.updates.signing import generate_key
from kiosk.updates.staging import UpdateFolder
from sync.updates_pull import OFFER
from tests.support.central import kiosk_config
from tests.support.releases import ReleaseKey, make_release, release_key
from tests.sync.faulty_proxy import BAD_LINK, FaultyProxy, Rates
from ui.cli import main

NEW = "9.1.0"  # newer than any version these tests run as


@pytest.fixture
def release():
    """The release key IT keeps on its build machine, and the public half kiosks pin."""
    key = release_key()
    return key.private_pem, key.public_text


def signed_package(tmp_path, private, version=NEW, size=2_500_000):
    """A package of made-up bytes (the kiosk never parses it: the root updater does), signed."""
    public = ""  # make_release only needs the private half
    return make_release(tmp_path / "release", ReleaseKey(private, public), version, size).package


def offer(central, package, *extra) -> None:
    assert main(["central", "offer-update", str(package), "--data-dir", str(central.data_dir),
                 *extra]) == 0


def pinned(tmp_path, central, public, url=None, **updates):
    config = kiosk_config(tmp_path, central, url=url)
    lines = [f'public_key = "{public}"'] if public else []
    lines += [f"{key} = {value}" for key, value in updates.items()]
    text = config.source.read_text(encoding="utf-8")
    head, _, destinations = text.partition("[destinations.central]")
    config.source.write_text(head + "[updates]\n" + "\n".join(lines) + "\n\n[destinations.central]"
                             + destinations, encoding="utf-8")
    return load_config(config.source, environ={})


@pytest.fixture
def kiosk(tmp_path, central, sync_worker):
    """(config, store, worker) for a kiosk of the central, with the given key pinned."""
    opened = []

    def make(public, url=None, **updates):
        config = pinned(tmp_path, central, public, url, **updates)
        store = config.open_store()
        opened.append(store)
        return config, store, sync_worker(store, config)

    yield make
    for store in opened:
        store.close()


def heartbeat_again(worker) -> None:
    worker._next_heartbeat = worker.clock()  # the next round reports at once


def test_an_offered_version_signed_with_the_pinned_key_is_downloaded_and_staged(
        tmp_path, central, kiosk, release):
    private, public = release
    package = signed_package(tmp_path, private)
    offer(central, package)
    config, store, worker = kiosk(public)

    worker.run_once()

    folder = UpdateFolder(config.updates_dir)
    ready = folder.ready()
    assert ready is not None and ready["version"] == NEW
    assert (config.updates_dir / ready["package"]).read_bytes() == package.read_bytes()
    assert folder.last()["state"] == "ready"
    assert not list(config.updates_dir.glob("*.part"))
    # The next heartbeat says so: the fleet view shows the kiosk ready to install it.
    heartbeat_again(worker)
    worker.run_once()
    page = central_fleet_state(central)
    assert page["update_state"]["state"] == "ready"
    assert page["update_state"]["version"] == NEW


def central_fleet_state(central) -> dict:
    from sync.central.web.models import Heartbeat

    beat = Heartbeat.objects.using(central.server.store.alias).order_by("-received_at").first()
    return {"version": beat.version, "update_state": beat.update_state}


def test_a_signature_from_another_key_is_refused_before_a_byte_is_fetched(
        tmp_path, central, kiosk, release):
    _private, public = release
    stranger, _ = generate_key()  # whoever broke into the central, say
    offer(central, signed_package(tmp_path, stranger))
    with FaultyProxy(int(central.url.rsplit(":", 1)[1]), rates=Rates(0, 0, 0, 0),
                     faulty_paths=(b"/v1/updates",)) as proxy:
        config, _store, worker = kiosk(public, url=proxy.url)
        worker.run_once()
        worker.run_once()
        assert proxy.requests == 0  # not one request for the package
        heartbeat_again(worker)
        worker.run_once()  # and the next heartbeat says why

    folder = UpdateFolder(config.updates_dir)
    assert folder.ready() is None
    last = folder.last()
    assert last["state"] == "rejected" and last["version"] == NEW
    assert "not made with the release key pinned" in last["message"]
    assert central_fleet_state(central)["update_state"]["state"] == "rejected"


def test_a_kiosk_with_no_key_pinned_takes_no_update_and_says_why(tmp_path, central, kiosk, release):
    private, _public = release
    offer(central, signed_package(tmp_path, private))
    config, _store, worker = kiosk(None)
    worker.run_once()
    folder = UpdateFolder(config.updates_dir)
    assert folder.ready() is None
    assert "no release key is pinned" in folder.last()["message"]


def test_a_package_swapped_on_the_central_after_signing_is_refused_once_whole(
        tmp_path, central, kiosk, release):
    private, public = release
    package = signed_package(tmp_path, private)
    offer(central, package)
    served = next((central.data_dir / "updates").glob(f"kiosk_{NEW}_amd64.deb"))
    served.write_bytes(os.urandom(package.stat().st_size))  # same size, other bytes
    with FaultyProxy(int(central.url.rsplit(":", 1)[1]), rates=Rates(0, 0, 0, 0),
                     faulty_paths=(b"/v1/updates",)) as proxy:
        config, store, worker = kiosk(public, url=proxy.url)
        worker.run_once()
        fetched = proxy.requests
        worker.run_once()  # not fetched again, round after round
        assert proxy.requests == fetched

    folder = UpdateFolder(config.updates_dir)
    assert folder.ready() is None
    assert not list(config.updates_dir.glob("kiosk_*"))
    assert "not the one signed" in folder.last()["message"]


def test_an_offer_larger_than_the_kiosk_takes_is_refused_before_downloading(
        tmp_path, central, kiosk, release):
    private, public = release
    offer(central, signed_package(tmp_path, private, size=1_200_000))
    config, _store, worker = kiosk(public, max_package_bytes=1_000_000)
    worker.run_once()
    folder = UpdateFolder(config.updates_dir)
    assert folder.ready() is None and not list(config.updates_dir.glob("*.part"))
    assert "max_package_bytes" in folder.last()["message"]


def test_through_a_poor_rural_line_the_download_resumes_until_whole(
        tmp_path, central, kiosk, release, monkeypatch):
    import sync.updates_pull as updates_pull

    monkeypatch.setattr(updates_pull, "PIECE", 500_000)  # many pieces: many faults met
    private, public = release
    package = signed_package(tmp_path, private, size=3_000_000)
    offer(central, package)
    with FaultyProxy(int(central.url.rsplit(":", 1)[1]), rates=BAD_LINK, faulty_paths=(b"/v1/updates",),
                     stall_seconds=1.0) as proxy:
        config, _store, worker = kiosk(public, url=proxy.url)
        folder = UpdateFolder(config.updates_dir)
        rounds = 0
        while folder.ready() is None and rounds < 60:
            worker.run_once()
            rounds += 1
        faults = {name: count for name, count in proxy.counts.items() if name != "passed"}

    assert folder.ready() is not None, f"not whole after {rounds} rounds"
    staged = config.updates_dir / folder.ready()["package"]
    assert staged.read_bytes() == package.read_bytes()
    assert sum(faults.values()) > 0 and rounds > 1  # it met the line's faults, and went on


def test_an_offer_withdrawn_takes_what_was_staged_with_it(tmp_path, central, kiosk, release):
    private, public = release
    offer(central, signed_package(tmp_path, private))
    config, store, worker = kiosk(public)
    worker.run_once()
    assert UpdateFolder(config.updates_dir).ready() is not None

    assert main(["central", "withdraw-update", NEW, "--data-dir", str(central.data_dir)]) == 0
    heartbeat_again(worker)
    worker.run_once()

    assert UpdateFolder(config.updates_dir).ready() is None
    assert not list(config.updates_dir.glob("kiosk_*"))
    assert store.settings.get(OFFER) is None
