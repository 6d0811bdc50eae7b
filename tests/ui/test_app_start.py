"""Starting and stopping the kiosk app: a store failure at start-up said plainly, the configured
language on the attract screen, locked full screen or an ordinary window, SIGTERM and
--quit-after.

run_app() runs QApplication.exec() to the end; in its own process, so that it cannot disturb
the event loop of the other widget tests."""

import json

from kiosk import i18n
from tests.support.paths import ROOT

_RUN_APP = """
import json, sys
from PySide6.QtWidgets import QLabel
import ui.main_window as main_window_module
from kiosk.store import Store, StoreError
from kiosk.store.errors import DISK_FULL
from ui.app import run_app

made, errors = [], []

class Recording(main_window_module.MainWindow):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        made.append(self)

main_window_module.MainWindow = Recording
if sys.argv[2] == "full-disk":
    def full(self):
        raise StoreError(DISK_FULL)
    Store.purge = full
sys.excepthook = lambda kind, value, tb: errors.append(repr(value))
code = run_app(sys.argv[1], windowed=sys.argv[2] != "locked", quit_after=2.0)
window = made[0]
titles = [w.text() for w in window.attract.findChildren(QLabel) if w.objectName() == "title"]
from PySide6.QtCore import Qt
lockdown = Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
print(json.dumps({"code": code, "errors": errors, "attached": window.ready, "titles": titles,
                  "full_screen": window.isFullScreen(),
                  "on_top": [bool(window.windowFlags() & lockdown == lockdown),
                             bool(window.windowHandle().flags() & lockdown == lockdown)]}))
"""


def run_app_in_a_process(tmp_path, config_text, variant=""):
    import os
    import subprocess
    import sys

    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n' + config_text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", _RUN_APP, str(config), variant], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_a_store_failure_during_start_up_exits_with_a_clear_error(tmp_path):
    outcome, stderr = run_app_in_a_process(tmp_path, "", "full-disk")
    assert outcome["errors"] == []  # no exception escaping a Qt slot
    assert outcome["code"] == 2 and "disk is full" in stderr


def test_the_configured_default_language_is_the_attract_screens(tmp_path):
    outcome, _ = run_app_in_a_process(tmp_path, 'default_language = "fr"\n')
    assert outcome["code"] == 0 and outcome["attached"]
    assert outcome["titles"] == [i18n.text("fr", "ui.welcome")]


def test_the_locked_kiosk_is_full_screen_frameless_and_above_other_windows(tmp_path):
    outcome, stderr = run_app_in_a_process(tmp_path, "", "locked")
    assert outcome["code"] == 0 and outcome["attached"], stderr
    assert outcome["full_screen"]
    assert outcome["on_top"] == [True, True]  # the widget and the window system's window


def test_a_windowed_kiosk_is_an_ordinary_window(tmp_path):
    outcome, stderr = run_app_in_a_process(tmp_path, "")
    assert outcome["code"] == 0, stderr
    assert not outcome["full_screen"] and outcome["on_top"] == [False, False]


def _kiosk_process(tmp_path, *args):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_DATA_DIR": str(tmp_path / "data")}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.Popen([sys.executable, "-m", "ui.cli", "run", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_locked_kiosk_still_stops_on_sigterm_and_closes_its_store(tmp_path):
    import signal
    import time

    from kiosk.store import Store

    child = _kiosk_process(tmp_path)
    deadline = time.monotonic() + 60
    while not (tmp_path / "data" / "kiosk.db").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    child.send_signal(signal.SIGTERM)  # how systemd stops it
    _, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    with Store(tmp_path / "data" / "kiosk.db") as store:
        assert store.status()["integrity"] == "ok"


def test_quit_after_works_in_kiosk_mode(tmp_path):
    child = _kiosk_process(tmp_path, "--quit-after", "1")
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
