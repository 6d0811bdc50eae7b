"""A staged update is asked for only between visits, and the kiosk is closed to visits while
the root updater installs it: a citizen mid-form finishes first, and nobody starts a visit in
the minute before the kiosk restarts."""

import json

import pytest
from PySide6.QtCore import Qt

from kiosk.updates.staging import UpdateFolder
from ui import update_window
from ui.update_window import BetweenVisitsUpdate

from .helpers import visible_texts


def _staged(folder: UpdateFolder, version: str = "9.9.0") -> None:
    folder.folder.mkdir(parents=True, exist_ok=True)
    package = folder.folder / "download.part"
    package.write_bytes(b"a verified package")
    folder.stage(version, package, {"format": "kiosk-update/1", "version": version})


@pytest.fixture
def updates(window, tmp_path):
    folder = UpdateFolder(tmp_path / "updates")
    watcher = BetweenVisitsUpdate(window, folder, look_every_ms=3_600_000,
                                  first_look_ms=None)  # looked at by hand
    return folder, watcher


def test_with_nothing_staged_the_kiosk_stays_open(window, updates):
    folder, watcher = updates
    watcher.look()
    assert not folder.install_requested()
    assert window.stack.currentWidget() is window.attract


def test_between_visits_it_asks_for_the_install_and_closes_to_visits(window, updates, qtbot):
    folder, watcher = updates
    _staged(folder)

    watcher.look()

    assert folder.install_requested()
    assert (folder.folder / "install-request").read_text() == "9.9.0\n"
    assert window.stack.currentWidget() is watcher.screen
    texts = " ".join(visible_texts(window))
    assert "This kiosk is being updated." in texts
    assert "Cette borne est en cours de mise à jour." in texts  # every language offered
    qtbot.mouseClick(watcher.screen, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is watcher.screen  # a touch starts nothing


def test_a_citizen_in_a_visit_finishes_first(window, updates, driver):
    folder, watcher = updates
    _staged(folder)
    driver.start("feedback_services", "en")
    assert window.visit_in_progress()

    watcher.look()

    assert not folder.install_requested()  # mid-visit: not now
    assert window.stack.currentWidget() is not watcher.screen
    window.flow.end_visit()  # the visit ends (finished, or walked away from and wiped)
    watcher.look()
    assert folder.install_requested()
    assert window.stack.currentWidget() is watcher.screen


def test_when_no_updater_comes_the_kiosk_opens_again_and_asks_later(window, updates, monkeypatch):
    folder, watcher = updates
    _staged(folder)
    clock = [1000.0]
    monkeypatch.setattr(update_window.time, "monotonic", lambda: clock[0])
    watcher.look()
    assert folder.install_requested()

    clock[0] += update_window.GIVE_UP_SECONDS + 1
    watcher.look()

    assert not folder.install_requested()
    assert window.stack.currentWidget() is window.attract
    clock[0] += 60
    watcher.look()  # not at once again: an hour later
    assert not folder.install_requested()
    clock[0] += update_window.ASK_AGAIN_SECONDS
    watcher.look()
    assert folder.install_requested()


def test_the_staged_package_is_named_in_ready_json(tmp_path):
    folder = UpdateFolder(tmp_path / "updates")
    _staged(folder, "2.0.1")
    ready = json.loads((folder.folder / "ready.json").read_text())
    assert ready == {"version": "2.0.1", "package": "kiosk_2.0.1_amd64.deb",
                     "signature": "kiosk_2.0.1_amd64.deb.sig"}
    assert folder.ready() == ready
    folder.discard()
    assert folder.ready() is None and not list(folder.folder.glob("kiosk_*"))


def test_a_kiosk_started_with_an_update_staged_asks_for_it_soon_after_start(window, tmp_path, qtbot):
    folder = UpdateFolder(tmp_path / "updates")
    _staged(folder)
    BetweenVisitsUpdate(window, folder, look_every_ms=3_600_000, first_look_ms=50)
    qtbot.waitUntil(folder.install_requested, timeout=5_000)
