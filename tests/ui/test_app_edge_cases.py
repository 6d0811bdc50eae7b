"""Edge cases of the Qt kiosk that a review found broken, now fixed: late task results after
the wipe, drafts, start-up."""

import json
import threading

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk import i18n
from kiosk.forms.session import Session
from kiosk.forms.snapshot import session_state
from ui.driver import Driver

from .conftest import ROOT

ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"


def first_answer_set(form_id):
    lines = (ANSWERS / f"{form_id}.valid.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(next(line for line in lines if line.strip()))


def to_check_page(window, driver, form_id="report_problem"):
    """Answer every page, stopping at check-your-answers (before Send)."""
    answers = first_answer_set(form_id)
    driver.start(form_id)
    for _ in range(200):
        page = window.page.session.page()
        if page.kind == "check":
            return
        for name, widget in window.page.inputs.items():
            value = driver._value_for(window.page.session, page, name, answers)
            if value is not None:
                driver.enter(widget, value)
        driver.tap_named("primary")
    raise AssertionError("never reached check your answers")


def gate(part, monkeypatch, method):
    """Hold `part.<method>` (a part of the store) on the db lane until the returned event is set."""
    release = threading.Event()
    real = getattr(part, method)

    def held(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(part, method, held)
    return release


def shown_reference(window):
    return [w.text() for w in window.findChildren(QLabel)
            if w.isVisible() and w.objectName() == "reference"]


# -- late results after the wipe ---------------------------------------------------------------

def test_a_reference_arriving_after_the_idle_wipe_is_not_shown_to_the_next_person(
        make_window, store, qtbot, monkeypatch):
    window = make_window(idle_seconds=0.3, idle_warning_seconds=1)
    driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
    to_check_page(window, driver)
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send; the disk is slow today
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=5000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.stack.currentWidget() is window.attract
    assert shown_reference(window) == []


def test_a_late_submission_result_does_not_wipe_the_next_persons_visit(
        window, store, driver, qtbot, monkeypatch):
    to_check_page(window, driver)
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send
        window.end_visit()  # what the idle timeout calls
        driver.start("report_problem")  # the next person starts at once
        driver.enter(window.page.inputs["category"], "graffiti")
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.stack.currentWidget() is window.page
    assert window.page.session is not None
    assert window.draft_id is not None


def test_a_resume_code_arriving_after_the_wipe_is_not_shown(window, store, driver, qtbot, monkeypatch):
    driver.start("housing_assistance")
    driver.enter(window.page.inputs["full_name"], "Sam Later")
    driver.tap_named("primary")
    release = gate(store.drafts, monkeypatch, "save_for_later")
    try:
        driver.tap_named("save_later")
        window.end_visit()  # the idle timeout
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert window.stack.currentWidget() is window.attract
    assert shown_reference(window) == []


def test_a_resumed_draft_is_deleted_once_sent_even_if_the_visit_was_wiped_meanwhile(
        window, store, driver, qtbot, monkeypatch):
    to_check_page(window, driver)
    window.save_for_later()  # (as from any question page)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    code = shown_reference(window)[0]
    driver.tap_named("primary")  # Finish
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    QTest.keyClicks(window.resume.box, code)
    driver.tap_named("primary")
    assert window.page.session.page().kind == "check"
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send
        window.end_visit()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert store.status()["submissions"]["queued"] == 1
    assert store.status()["drafts_saved"] == 0


# -- busy means busy ---------------------------------------------------------------------------

def test_changing_the_text_size_while_sending_does_not_offer_send_again(
        window, store, driver, qtbot, monkeypatch):
    to_check_page(window, driver)
    release = gate(store.outbox, monkeypatch, "submit")
    try:
        driver.tap_named("primary")  # Send
        size = next(b for b in window.findChildren(QPushButton)
                    if b.isVisible() and b.objectName() == "textSize" and b.property("percent") == 150)
        QTest.mouseClick(size, Qt.MouseButton.LeftButton)
        send_again = any(b.objectName() == "primary" for b in driver.buttons())
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.tasks.busy())
    assert not send_again


# -- resuming ----------------------------------------------------------------------------------

def test_a_saved_draft_that_cannot_be_opened_is_explained(window, store, catalogue, driver, qtbot):
    session = Session(catalogue.get("report_problem"), "en")
    draft_id = store.drafts.new_draft_id()
    code, _ = store.drafts.save_for_later(draft_id, session_state(session))
    with store._db.writing() as conn:  # as after restoring the database onto a re-imaged kiosk
        conn.execute("UPDATE drafts SET payload = ? WHERE id = ?", (b"\x00" * 64, draft_id))
    driver.tap_named("primary", language="en")
    driver.tap_named("tile", resume=True)
    QTest.keyClicks(window.resume.box, code)
    with qtbot.captureExceptions() as exceptions:
        driver.tap_named("primary")
    assert exceptions == []
    assert window.stack.currentWidget() is window.resume
    assert [w for w in window.findChildren(QLabel) if w.isVisible() and w.objectName() == "error"]


# -- starting the app --------------------------------------------------------------------------
# run_app() runs QApplication.exec() to the end; in its own process, so that it cannot disturb
# the event loop of the other widget tests.

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
