"""The accessibility audit over every screen of every sample form, in every language, at every
text size and in both themes: targets, nothing clipped or overlapping, names and roles, and
a Tab order that follows the reading order (see tests/ui/audit.py for each rule)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton

from ui.driver import Driver

from . import audit
from .sample_answers import FORMS, answer_sets

LANGUAGES = ["en", "fr", "es", "ar"]


class Auditor:
    def __init__(self, window, qtbot, checks):
        self.window, self.qtbot, self.checks = window, qtbot, checks
        self.problems: list[str] = []
        self.screens = 0

    def __call__(self, where: str) -> None:
        # Background work (a receipt printing) changes words on screen: let it finish, then
        # let the layouts settle before measuring.
        self.qtbot.waitUntil(lambda: not self.window.tasks.busy(), timeout=10_000)
        self.qtbot.wait(1)
        QApplication.processEvents()
        self.screens += 1
        for check in self.checks:
            self.problems += [f"[{where}] {problem}" for problem in check(self.window)]


def show_results(window) -> None:
    """Running results for the consultation, as the sync worker keeps them (fetched earlier,
    the kiosk offline now): its pages show bars, counts and when they were fetched."""
    from kiosk.consultation import RESULTS_SETTING

    counts = {"plan_a_trees": 14, "plan_b_market_hall": 9, "plan_c_parking": 4}
    window.store.settings.put(RESULTS_SETTING, {
        "etag": '"x"', "fetched_at": "2026-11-27T09:30:00.000000+00:00", "consultations": {
            "market_square_consultation": {
                "form_id": "market_square_consultation", "question": "plan", "total": 27,
                "shown": True, "results_from": 10,
                "options": [{"name": n, "count": c} for n, c in counts.items()]}}})
    window.others.refresh_results()


def check_progress(window, driver, look) -> None:
    """Check the progress of an application: the question, a wrong check character, and the
    last state known with the council's note (no central service here: as offline)."""
    from kiosk.store.progress_states import KnownProgress
    from tests.kiosk.store_helpers import fake_submission

    store = window.store
    submission = fake_submission(1)
    reference = store.outbox.submit(submission, "central")
    store.outbox.mark_delivered(submission["instance_id"], {"receipt_id": "made-up"})
    now = store.clock().isoformat()
    store.progress.keep([KnownProgress(reference, "needs_information", now,
                                       "Send us a photo of the pothole, at the Town Hall.",
                                       now)], store.clock())
    window.services.progress_offered = lambda: True
    driver.tap_named("back")  # from the resume screen to the service list
    driver.tap_named("tile", progress=True)
    look("check progress: the question")
    screen = window.others.progress.screen
    screen.box.setText(reference[:-1] + ("A" if reference[-1] != "A" else "B"))
    driver.tap_named("primary")
    look("check progress: check the reference")
    screen.box.setText(reference)
    driver.tap_named("primary")
    driver.wait(lambda: screen.view is not None)
    look("check progress: the last state known")
    driver.tap_named("primary")  # back to the services


def walk_every_screen(window, driver, qtbot, language: str, look) -> None:
    """Attract, the service list (and one topic), every page of every information service
    (and printing it), every page of every sample form (with its errors shown first; the
    consultation with its results; the declaration's amounts and payment reference),
    repeats, check your answers, the confirmation, saving for later, the resume screen, checking
    the progress of an application and the idle warning: `look` is called on each."""
    look("attract")
    show_results(window)
    driver.tap_named("primary", language=language)
    look("service list")
    driver.tap_named("topic", topic="council")
    look("service list: one topic")
    driver.tap_named("topic", topic="")
    for service_id in sorted(window.catalogue.information):
        driver.open_information(service_id, language)
        service = window.catalogue.information[service_id]
        for number in range(1, service.page_count + 1):
            look(f"{service_id}: page {number}")
            if number == service.page_count:
                driver.tap_named("print")  # no printer here: it says so under the page
                look(f"{service_id}: printing")
            driver.tap_named("primary")  # Next page; on the last, back to the list
    for form_id in FORMS:
        driver.start(form_id, language)
        look(f"{form_id}: first page")
        answers = answer_sets(form_id)[0]
        session = window.page.session
        shown_errors = False
        for _ in range(60):
            page = session.page()
            if page.kind == "check":
                break
            if page.kind == "summary":
                look(f"{form_id}: {page.key.name} summary")
                given = answers.get(page.key.name) or []
                driver.tap_named("add_another" if len(page.items) < len(given) else "primary")
                continue
            if not shown_errors and any(q.required for q in page.questions):
                driver.tap_named("primary")  # nothing given: the errors
                if session.page().problems:
                    look(f"{form_id}: {page.key.name} with errors")
                    shown_errors = True
            driver.fill_page(answers)
            look(f"{form_id}: {page.key.name}")
            driver.tap_named("primary")
        look(f"{form_id}: check your answers")
        driver.tap_named("primary")
        driver.wait(lambda: window.stack.currentWidget() is window.done)
        look(f"{form_id}: confirmation")
        driver.tap_named("primary")  # Finish
    # Save and finish later, then the screen to continue with a code.
    driver.start("housing_assistance", language)
    driver.fill_page(answer_sets("housing_assistance")[0])
    driver.tap_named("primary")
    driver.tap_named("save_later")
    driver.wait(lambda: window.stack.currentWidget() is window.done)
    look("saved for later")
    driver.tap_named("primary")
    driver.tap_named("primary", language=language)
    driver.tap_named("tile", resume=True)
    look("continue a saved form")
    check_progress(window, driver, look)
    window.idle._start_warning()  # the quiet spell, without waiting 90 s
    look("do you need more time?")
    window.warning.button.click()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("percent,theme", [(100, "standard"), (150, "standard"),
                                           (200, "standard"), (200, "high_contrast")])
def test_every_screen_passes_the_audit(make_window, qtbot, language, percent, theme):
    window = make_window()
    driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
    # A kiosk's screen does not grow: what does not fit must wrap or scroll, never push the
    # window bigger (a small 4:3 screen, the hardest case).
    window.setFixedSize(1024, 768)
    window.settings = replace(window.settings, default_text_size=percent)
    window.appearance.set_text_size(percent)
    window.appearance.set_theme(theme)
    look = Auditor(window, qtbot, [audit.too_small, audit.clipped, audit.unnamed,
                                   audit.focus_order])
    walk_every_screen(window, driver, qtbot, language, look)
    assert look.screens >= 40
    assert look.problems == [], "\n".join(look.problems[:40])


def test_the_audit_catches_what_it_is_for(window, qtbot):
    """Each check fails on the defect it exists for (a check that cannot fail proves nothing)."""
    from PySide6.QtWidgets import QLabel, QPushButton

    assert audit.clipped(window) == [] and audit.too_small(window) == []
    cramped = QLabel("A sentence far too long to fit in the little room it has been given")
    cramped.setWordWrap(True)
    cramped.setParent(window.attract)
    cramped.setGeometry(10, 10, 120, 20)
    cramped.show()
    tiny = QPushButton("")
    tiny.setParent(window.attract)
    tiny.show()
    tiny.setFixedSize(20, 20)  # after the style sheet's minimum has been applied
    tiny.move(60, 12)
    qtbot.wait(1)
    clipped = audit.clipped(window)
    assert any("needs" in p and "A sentence" in p for p in clipped), clipped
    assert any("overlaps" in p for p in clipped), clipped
    assert any("20x20" in p for p in audit.too_small(window))
    assert any("no accessible name" in p for p in audit.unnamed(window))
    # Tab order against reading order: a control placed first but reached last.
    first = QPushButton("Top left")
    first.setParent(window.attract)
    first.setGeometry(0, 0, 60, 60)
    first.show()
    qtbot.wait(1)
    assert any("reading order" in p for p in audit.focus_order(window))
    first.hide()
    # Options in a Qt button group: Tab reaches the chosen one only.
    from PySide6.QtWidgets import QButtonGroup

    group = QButtonGroup(window)
    for choice in [b for b in window.attract.findChildren(QPushButton) if b.property("language")]:
        choice.setCheckable(True)
        group.addButton(choice)
    assert any("never reaches" in p for p in audit.focus_order(window))


SCREENS = {"landscape": (1024, 768), "portrait": (1080, 1920)}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("percent", [100, 150, 200])
def test_the_question_stays_in_sight_above_the_keyboard(make_window, qtbot, screen, percent):
    """On every page of every sample form with a box to type in, the keyboard or number pad
    up, at each text size on a small landscape and a tall portrait screen: the question's
    heading and the box being typed into are both wholly in view, for each box of the page
    in turn (reached with the keyboard's Next key, as a person moves on)."""
    from PySide6.QtCore import Qt

    window = make_window()
    driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
    window.setFixedSize(*SCREENS[screen])
    window.settings = replace(window.settings, default_text_size=percent)
    window.appearance.set_text_size(percent)
    window.activateWindow()  # key taps go to the focused box of the active window
    qtbot.waitUntil(window.isActiveWindow)
    problems, boxes = [], 0

    def look(where: str) -> None:
        nonlocal boxes
        boxes += 1
        assert isinstance(QApplication.focusWidget(), QLineEdit | QPlainTextEdit), where
        try:  # the page scrolls to the focus once its layout has run
            qtbot.waitUntil(lambda: not audit.question_in_sight(window), timeout=2000)
        except qtbot.TimeoutError:
            problems.extend(f"[{where}] {problem}" for problem in audit.question_in_sight(window))

    for form_id in FORMS:
        driver.start(form_id, "en")
        answers, session = answer_sets(form_id)[0], window.page.session
        for _ in range(60):
            page = session.page()
            if page.kind == "check":
                break
            if page.kind == "summary":
                given = answers.get(page.key.name) or []
                driver.tap_named("add_another" if len(page.items) < len(given) else "primary")
                continue
            count = sum(len(audit.boxes_in(widget)) for widget in window.page.inputs.values())
            for number in range(count):
                if number:
                    qtbot.mouseClick(window.keyboard.findChild(QPushButton, "key_next"),
                                     Qt.MouseButton.LeftButton)
                look(f"{form_id}: {page.key.name}, box {number + 1} of {count}")
            driver.fill_page(answers)
            driver.tap_named("primary")
        window.flow.end_visit()
    assert boxes >= 25
    assert problems == [], "\n".join(problems[:40])
