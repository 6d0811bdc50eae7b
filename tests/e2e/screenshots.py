"""`make screenshots`: the kiosk as a citizen sees it, into docs/screenshots/.

Run under Xvfb (a real X server, real fonts); made-up answers only."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QLabel, QPushButton  # noqa: E402

from kiosk.config import Config  # noqa: E402
from sync.demo import start_demo_central  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from ui.driver import Driver, wait_until  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.qr import QrView  # noqa: E402
from ui.selftest import ANSWERS, FORM  # noqa: E402
from ui.sync_runner import SyncRunner  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def shoot(window, name: str) -> None:
    for _ in range(3):  # widgets shown this turn are laid out on the next
        QApplication.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))
    print(f"docs/screenshots/{name}.png")


def main() -> int:
    _app = QApplication(sys.argv[:1])  # must outlive the window
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    central, destination = start_demo_central(folder / "central", log=lambda line: None)
    config = Config(data_dir=folder / "kiosk", site_id="LIB01",
                    destinations={"central": destination})
    store = config.open_store()
    window = MainWindow(config.load_catalogue(), store, locked=False)
    window.config = config.model_copy(update={"printer": "none"})  # shows the QR on screen
    window.resize(1024, 768)
    window.show()
    window.attach_sync(SyncRunner(window.tasks, store, lambda: SyncWorker(store, config), 3600,
                                  config.load_catalogue))
    wait_until(lambda: window.sync.view is not None)
    driver = Driver(window)
    shoot(window, "01-attract")
    driver.tap_named("primary", language="en")
    shoot(window, "02-services")
    driver.tap_named("tile", form_id="report_problem")
    shoot(window, "03-question-tiles")
    driver.tap_named("primary")
    shoot(window, "04-error-summary")
    driver.enter(window.page.inputs["category"], "pothole")
    driver.tap_named("primary")
    driver.enter(window.page.inputs["problem_detail"], "pothole_road")
    driver.tap_named("primary")
    box = window.page.inputs["location"].box
    driver.tap(box)
    box.setText("Example Road, by the school")
    shoot(window, "05-keyboard")
    driver.tap_named("primary")
    driver.enter(window.page.inputs["urgency"], "needs_fixing_soon")
    driver.tap_named("primary")
    date_boxes = window.page.inputs["noticed_date"].boxes
    driver.tap(date_boxes["day"])
    shoot(window, "06-date-number-pad")
    while window.page.session.page().kind != "check":
        driver.tap_named("primary")
    shoot(window, "07-check-answers")
    driver.tap_named("primary")
    wait_until(lambda: window.stack.currentWidget() is window.done)
    wait_until(lambda: window.done.delivery.text().startswith("It has been sent"))
    wait_until(lambda: any(w.isVisible() for w in window.done.findChildren(QrView)))
    shoot(window, "08-confirmation")
    driver.tap_named("primary")
    driver.start("housing_assistance", "ar")
    shoot(window, "09-question-arabic")
    driver.tap(window.page.inputs["full_name"].box)
    shoot(window, "10-keyboard-arabic")
    window.end_visit()
    window.begin("en")
    window.set_text_size(200)
    driver.tap_named("tile", form_id="renew_driving_licence")
    driver.tap_named("primary")
    shoot(window, "11-text-200-percent")
    window.end_visit()
    window.resize(1024, 768)  # 200 % text made the (unlocked) window grow
    central.stop()  # the link goes down: the next form waits, and the kiosk says so
    driver.start(FORM, "en")
    driver.complete(ANSWERS)
    wait_until(lambda: window.sync.view is not None and window.sync.view.waiting == 1)
    wait_until(lambda: any(w.isVisible() for w in window.done.findChildren(QrView)))
    shoot(window, "12-confirmation-offline")
    window.end_visit()
    shoot(window, "13-attract-waiting")
    language_screens(window, driver)
    helper_screens(window, driver, store)
    window.resize(1024, 768)
    window.begin("en")
    window.set_text_size(200)
    window.set_theme("high_contrast")
    driver.tap_named("tile", form_id="report_problem")
    shoot(window, "20-high-contrast-200")
    window.end_visit()
    window.shutdown()
    store.close()
    return 0


def language_screens(window, driver) -> None:
    """Each language: the service list, a question of options, and a question to type at
    200 % in high contrast with its keyboard (docs/screenshots/languages/)."""
    (OUT / "languages").mkdir(exist_ok=True)
    for code in ("en", "fr", "es", "ar"):
        window.begin(code)
        shoot(window, f"languages/{code}-1-services")
        driver.tap_named("tile", form_id="feedback_services")
        shoot(window, f"languages/{code}-2-question")
        window.end_visit()
        window.resize(1024, 768)
        window.begin(code)
        window.set_text_size(200)
        window.set_theme("high_contrast")
        driver.tap_named("tile", form_id="housing_assistance")
        shoot(window, f"languages/{code}-3-high-contrast-200")
        window.end_visit()
        window.resize(1024, 768)


def helper_screens(window, driver, store) -> None:
    """Helper mode, over a citizen's visit: the PIN pad, the panel's pages."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    from kiosk.forms.session import Session
    from kiosk.forms.snapshot import session_state

    store.set_helper_pin("Amina", "481516")  # made up, like every answer here
    session = Session(window.catalogue.get("housing_assistance"), "en")
    code, _ = store.save_for_later(store.new_draft_id(), session_state(session))
    with store._writing() as conn:  # one submission the service refused, to show the queue
        conn.execute("UPDATE outbox SET state = 'rejected', last_error = ? WHERE rowid ="
                     " (SELECT max(rowid) FROM outbox)",
                     ("422: the form 'report_problem' is closed for maintenance",))
    driver.start(FORM, "en")
    driver.enter(window.page.inputs["category"], "pothole")
    driver.tap_named("primary")
    window.header.crest._timer.setInterval(10)
    QTest.mousePress(window.header.crest, Qt.MouseButton.LeftButton)
    wait_until(window.helper.pad.isVisible)
    for digit in "481":
        window.helper.pad.press(digit)
    shoot(window, "14-helper-pin")
    for digit in "516":
        window.helper.pad.press(digit)
    window.helper.pad._submit()
    wait_until(lambda: window.helper.unlocked)
    shoot(window, "15-helper-assist")
    window.helper.panel.show_page("queue")
    wait_until(lambda: any(w.objectName() == "retryRejected" and w.isVisible()
                           for w in window.helper.panel.findChildren(QPushButton)))
    shoot(window, "16-helper-queue")
    window.helper.panel.show_page("saved")
    box = next(w for w in window.findChildren(QLineEdit) if w.objectName() == "helperCode")
    box.setText(code)
    box.returnPressed.emit()
    wait_until(lambda: any(w.property("action") == "saved_continue" and w.isVisible()
                           for w in window.helper.panel.findChildren(QPushButton)))
    shoot(window, "17-helper-saved-form")
    window.helper.panel.show_page("settings")
    shoot(window, "18-helper-settings")
    window.helper.panel.show_page("audit")
    wait_until(lambda: any(w.objectName() == "auditEntry" for w in window.findChildren(QLabel)))
    shoot(window, "19-helper-activity-log")
    window.helper.lock("by hand")
    window.end_visit()


if __name__ == "__main__":
    sys.exit(main())
