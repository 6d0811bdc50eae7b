"""`make screenshots`: the kiosk as a citizen sees it, into docs/screenshots/.

Run under Xvfb (a real X server, real fonts); made-up answers only."""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea  # noqa: E402

from kiosk.config import Config  # noqa: E402
from sync.demo import start_demo_central  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from ui.driver import Driver, wait_until  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.qr import QrView  # noqa: E402
from ui.selftest import ANSWERS, FORM  # noqa: E402
from ui.sync_runner import SyncRunner  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
# Made-up answers for the first service of the once-only screenshots.
ONCE_ONLY_REPORT = {"category": "pothole", "problem_detail": "pothole_road",
                    "location": "Example Street", "urgency": "dangerous_now",
                    "noticed_date": "2026-11-20", "problem_description": "A hole in the road.",
                    "contact_name": "Sam Example", "contact_phone": "07700 900555"}


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
    # Consultation results count the weeks that have ended: the service's clock 8 days on
    # counts today's made-up answers for the screenshots.
    central.app.tallies.clock = lambda: datetime.now(UTC) + timedelta(days=8)
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
    beyond_forms(window, driver, store)
    driver.start("housing_assistance", "ar")
    shoot(window, "09-question-arabic")
    driver.tap(window.page.inputs["full_name"].box)
    shoot(window, "10-keyboard-arabic")
    window.flow.end_visit()
    window.flow.begin("en")
    window.appearance.set_text_size(200)
    driver.tap_named("tile", form_id="renew_driving_licence")
    driver.tap_named("primary")
    shoot(window, "11-text-200-percent")
    window.flow.end_visit()
    window.resize(1024, 768)  # 200 % text made the (unlocked) window grow
    central.stop()  # the link goes down: the next form waits, and the kiosk says so
    driver.start(FORM, "en")
    driver.complete(ANSWERS)
    wait_until(lambda: window.sync.view is not None and window.sync.view.waiting == 1)
    wait_until(lambda: any(w.isVisible() for w in window.done.findChildren(QrView)))
    shoot(window, "12-confirmation-offline")
    window.flow.end_visit()
    shoot(window, "13-attract-waiting")
    driver.start("market_square_consultation", "ar")  # offline: the results it had, and when
    shoot(window, "32-consultation-offline-arabic")
    window.flow.end_visit()
    language_screens(window, driver)
    choice_and_check_screens(window, driver)
    once_only_screens(window, driver)
    helper_screens(window, driver, store)
    read_aloud_screens(window, driver)
    window.resize(1024, 768)
    window.flow.begin("en")
    window.appearance.set_text_size(200)
    window.appearance.set_theme("high_contrast")
    driver.tap_named("tile", form_id="report_problem")
    shoot(window, "20-high-contrast-200")
    window.flow.end_visit()
    window.shutdown()
    store.close()
    return 0


def beyond_forms(window, driver, store) -> None:
    """Information pages, a consultation with its results, and a declaration with its payment
    reference (docs/services.md), in English and Arabic."""
    from kiosk.consultation import RESULTS_SETTING
    from kiosk.forms.trial import run_trial

    window.flow.begin("en")
    driver.tap_named("topic", topic="council")
    shoot(window, "21-services-topic")
    window.flow.end_visit()
    driver.open_information("health_services", "en")
    shoot(window, "22-information")
    window.flow.end_visit()
    driver.open_information("health_services", "ar")
    driver.tap_named("primary")
    driver.tap_named("primary")
    driver.tap_named("print")
    wait_until(lambda: not window.tasks.busy())
    shoot(window, "23-information-arabic-print")
    window.flow.end_visit()

    form = window.catalogue.get("market_square_consultation")
    earlier = ["plan_a_trees"] * 7 + ["plan_b_market_hall"] * 11 + ["plan_c_parking"] * 5
    for plan in earlier:  # made-up answers from earlier visits, sent with the next round
        store.outbox.submit(run_trial(form, {"plan": plan}).submission, "central")
    window.sync.nudge()
    wait_until(lambda: ((store.settings.get(RESULTS_SETTING) or {}).get("consultations") or {})
               .get(form.form_id, {}).get("total") == len(earlier))
    window.others.refresh_results()
    wait_until(lambda: not window.tasks.busy())
    driver.start(form.form_id, "en")
    shoot(window, "24-consultation-results")
    driver.tap_named("primary")
    driver.enter(window.page.inputs["plan"], "plan_b_market_hall")
    driver.tap_named("primary")
    driver.tap_named("primary")  # no comment
    driver.tap_named("primary")  # send
    wait_until(lambda: window.stack.currentWidget() is window.done)
    wait_until(lambda: any(w.isVisible() and w.text() == f"Answers so far: {len(earlier) + 1}"
                           for w in window.done.findChildren(QLabel)))
    window.done.body.findChildren(QScrollArea)[0].verticalScrollBar().setValue(10_000)
    shoot(window, "25-consultation-confirmation")
    window.flow.end_visit()
    driver.start(form.form_id, "ar")
    shoot(window, "26-consultation-arabic")
    window.flow.end_visit()

    answers = {"trader_licence": "47163050", "market": "saturday_market", "quarter": "2026_q4",
               "days_traded": 24, "takings": "4250.50", "pitch_fees": "480",
               "declaration": True}
    for language, first in (("en", 27), ("ar", 30)):
        driver.start("market_trader_tax", language)
        session = window.page.session
        while session.page().kind != "check":
            if session.page().key.name == "your_levy" and language == "en":
                shoot(window, f"{first}-tax-amounts")
            driver.fill_page(answers)
            driver.tap_named("primary")
        suffix = "-arabic" if language == "ar" else ""
        window.page.body.findChildren(QScrollArea)[0].verticalScrollBar().setValue(10_000)
        shoot(window, f"{first + 1 - (language == 'ar')}-tax-check-answers{suffix}")
        driver.tap_named("primary")
        wait_until(lambda: window.stack.currentWidget() is window.done)
        wait_until(lambda: not window.tasks.busy())
        shoot(window, f"{first + 2 - (language == 'ar')}-tax-confirmation{suffix}")
        window.flow.end_visit()


def language_screens(window, driver) -> None:
    """Each language: the service list, a question of options, and a question to type at
    200 % in high contrast with its keyboard (docs/screenshots/languages/)."""
    (OUT / "languages").mkdir(exist_ok=True)
    for code in ("en", "fr", "es", "ar"):
        window.flow.begin(code)
        shoot(window, f"languages/{code}-1-services")
        driver.tap_named("tile", form_id="feedback_services")
        shoot(window, f"languages/{code}-2-question")
        window.flow.end_visit()
        window.resize(1024, 768)
        window.flow.begin(code)
        window.appearance.set_text_size(200)
        window.appearance.set_theme("high_contrast")
        driver.tap_named("tile", form_id="housing_assistance")
        shoot(window, f"languages/{code}-3-high-contrast-200")
        window.flow.end_visit()
        window.resize(1024, 768)


def once_only_screens(window, driver) -> None:
    """A second service in one visit: "Use the details you gave before?" at 200 %, in English
    and Arabic (the answers given to a problem report, offered to the licence form)."""
    for code in ("en", "ar"):
        window.flow.begin(code)
        window.appearance.set_text_size(200)
        driver.start("report_problem", code)
        driver.complete(ONCE_ONLY_REPORT)
        driver.tap_named("another")  # "Use another service": the visit goes on
        driver.tap_named("tile", form_id="renew_driving_licence")
        shoot(window, f"once-only-{code}-200")
        window.flow.end_visit()
        window.resize(1024, 768)


def read_aloud_screens(window, driver) -> None:
    """The speaker pressed in while it reads, the volume's level in words, and what a citizen
    sees when the engine does not answer (docs/screenshots/speech/)."""
    from ui.speech import TEST_ENGINE, Speaker

    (OUT / "speech").mkdir(exist_ok=True)
    window.voice.speaker = Speaker(TEST_ENGINE)  # Qt's silent stand-in: the same look as a real one
    driver.start("report_problem", "en")
    driver.tap(window.header.speak)
    shoot(window, "speech/en-reading")
    window.flow.end_visit()
    window.flow.begin("ar")
    window.appearance.set_text_size(200)
    driver.start("report_problem", "ar")
    driver.tap(window.header.volume)
    shoot(window, "speech/ar-200-volume")
    window.flow.end_visit()
    window.voice.speaker = Speaker("no-such-engine")  # as when it stops answering
    driver.start("report_problem", "en")
    driver.tap(window.header.speak)
    wait_until(lambda: not window.voice.speaker.available)
    shoot(window, "speech/en-not-available")
    window.flow.end_visit()


def helper_screens(window, driver, store) -> None:
    """Helper mode, over a citizen's visit: the PIN pad, the panel's pages."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    from kiosk.forms.session import Session
    from kiosk.forms.snapshot import session_state

    store.staff.set_helper_pin("Amina", "481516")  # made up, like every answer here
    session = Session(window.catalogue.get("housing_assistance"), "en")
    code, _ = store.drafts.save_for_later(store.drafts.new_draft_id(), session_state(session))
    store.drafts.autosave(store.drafts.new_draft_id(), session_state(  # a visit a power cut stopped
        Session(window.catalogue.get("renew_driving_licence"), "en")))
    with store._db.writing() as conn:  # one submission the service refused, to show the queue
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
    wait_until(lambda: any(w.property("action") == "interrupted_continue" and w.isVisible()
                           for w in window.helper.panel.findChildren(QPushButton)))
    shoot(window, "33-helper-interrupted")
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
    window.flow.end_visit()


def choice_and_check_screens(window, driver) -> None:
    """Tick boxes and round marks on choice tiles, and an Arabic check-answers page at 200 %
    with every answer (numbers and Latin names too) under its question on the right."""
    feedback = {"service": "libraries", "rating": "4",
                "what_was_good": ["staff_helpful", "clean_and_safe"]}
    for language, percent, theme, name in (
            ("en", 100, "standard", "choices-several"),
            ("ar", 200, "high_contrast", "choices-several-arabic-high-contrast-200")):
        feedback["rating"] = "2" if percent == 200 else "4"  # the chosen tile in view
        window.flow.begin(language)
        window.appearance.set_text_size(percent)
        window.appearance.set_theme(theme)
        driver.tap_named("tile", form_id="feedback_services")
        driver.fill_page(feedback)
        driver.tap_named("primary")
        driver.fill_page(feedback)
        if language == "ar":
            shoot(window, "choices-one-arabic-high-contrast-200")
        driver.tap_named("primary")
        driver.fill_page(feedback)
        shoot(window, name)
        window.flow.end_visit()
        window.resize(1024, 768)
    licence = {"licence_number": "519372049", "full_name": "Alex Sample",
               "date_of_birth": "1948-03-02", "medically_fit": "yes",
               "renewal_reason": "expired", "address_line_1": "Flat 4",
               "address_line_2": "8 Testing Road", "town": "Exampleford",
               "postcode": "ZZ9 9ZZ", "email": "alex@example.com", "declaration": True}
    window.flow.begin("ar")
    window.appearance.set_text_size(200)
    driver.tap_named("tile", form_id="renew_driving_licence")
    while window.page.session.page().kind != "check":
        driver.fill_page(licence)
        driver.tap_named("primary")
    shoot(window, "check-answers-arabic-200")
    window.flow.end_visit()
    window.resize(1024, 768)
    # The postcode on the code keys (capitals, digits beside them), and the declaration above
    # "I agree – send application".
    window.flow.begin("en")
    window.appearance.set_text_size(100)
    driver.tap_named("tile", form_id="renew_driving_licence")
    while window.page.session.page().key.name != "address":
        driver.fill_page(licence)
        driver.tap_named("primary")
    driver.fill_page(licence)
    postcode = window.page.inputs["postcode"].box
    window.activateWindow()
    postcode.setFocus()
    wait_until(lambda: window.keyboard.isVisible() and window.keyboard.mode == "code")
    shoot(window, "postcode-code-keys")
    while window.page.session.page().kind != "check":
        driver.fill_page(licence)
        driver.tap_named("primary")
    shoot(window, "declaration-check-answers")
    window.flow.end_visit()


if __name__ == "__main__":
    sys.exit(main())
