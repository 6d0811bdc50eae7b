"""Once only, within a visit (WCAG 2.2 SC 3.3.7), through the real widgets: a citizen who sends
one service and starts another is asked "Use the details you gave before?"; yes fills the
boxes (still theirs to change, shown on check answers and sent), no leaves them empty; the
next visit is offered nothing."""

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from .helpers import click, heading, visible_texts

REPORT = {"category": "pothole", "problem_detail": "pothole_road",
          "location": "Example Street, outside number 12", "urgency": "dangerous_now",
          "noticed_date": "2026-11-20", "problem_description": "A deep hole in the road.",
          "contact_name": "Sam Example", "contact_phone": "07700 900555"}
# The housing form's own answers; its name and phone are what the report gave.
HOUSING = {"date_of_birth": "1979-09-05", "housing_situation": "renting_privately",
           "lives_with_others": "no", "monthly_income": 0, "receives_benefits": "no",
           "declaration": True}
TITLE = "Use the details you gave before?"


def boxes(window) -> list[str]:
    return [box.text() for box in window.findChildren(QLineEdit) if box.isVisible()]


def another_service(qtbot, window) -> None:
    click(qtbot, window, "Use another service")
    assert heading(window) == "What do you want to do?"


def test_details_are_offered_to_the_next_service_used_or_not_and_forgotten_at_the_wipe(
        qtbot, window, store, driver, caplog):
    caplog.set_level(logging.INFO)
    driver.start("report_problem")
    assert heading(window) != TITLE  # the first service of a visit: nothing to offer
    driver.complete(REPORT)
    another_service(qtbot, window)

    # Yes: the boxes are filled in, kept with Continue alone, shown before sending, and sent.
    driver.start("housing_assistance")
    assert heading(window) == TITLE
    shown = visible_texts(window)
    assert "What is your full name?" in shown and "Sam Example" in shown
    assert "What is your phone number?" in shown and "07700900555" in shown
    assert "Sam Example" in window.voice.spoken_text()  # read aloud like any screen
    click(qtbot, window, "Yes, use these details")
    assert heading(window) == "What is your full name?"
    assert boxes(window) == ["Sam Example"]
    click(qtbot, window, "Continue")
    assert heading(window) == "What is your date of birth?"
    assert boxes(window) == ["", "", ""]  # never given in this visit: empty as usual
    while window.page.session.page().kind != "check":
        driver.fill_page(HOUSING)
        driver.tap_named("primary")
    shown = visible_texts(window)
    assert "Sam Example" in shown and "07700900555" in shown  # on check answers, to change
    change = next(b for b in window.findChildren(QPushButton) if b.isVisible()
                  and b.accessibleName() == "Change What is your full name?")
    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    assert boxes(window) == ["Sam Example"]
    driver.fill_page({"full_name": "Sam Example-Jones"})
    click(qtbot, window, "Continue")
    reference = driver.complete({})
    sent = store.outbox.submission(reference)["answers"]
    assert (sent["full_name"], sent["phone"]) == ("Sam Example-Jones", "07700900555")
    another_service(qtbot, window)

    # No: the same form again (for someone else, say) starts empty.
    driver.start("housing_assistance")
    assert heading(window) == TITLE
    assert "1979" in " ".join(visible_texts(window))  # the date of birth given since
    click(qtbot, window, "No, I will enter them again")
    assert heading(window) == "What is your full name?"
    assert boxes(window) == [""]
    assert driver.complete({**HOUSING, "full_name": "Alex Other", "phone": "07700 900111"})

    # The next person: nothing carried, nothing kept.
    click(qtbot, window, "Finish")
    driver.start("housing_assistance")
    assert heading(window) == "What is your full name?"
    assert boxes(window) == [""]
    assert not window.once_only.profile
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "earlier details used: housing_assistance" in logged
    assert "Sam Example" not in logged and "07700900555" not in logged


def test_details_of_a_form_left_with_its_answers_deleted_are_not_offered(
        qtbot, window, driver):
    """"Leave this form? Your answers will be deleted": they are, once-only's copy too."""
    driver.start("housing_assistance")
    driver.fill_page({"full_name": "Jo Placeholder"})
    click(qtbot, window, "Continue")
    click(qtbot, window, "Back")
    click(qtbot, window, "Back")  # the wrong service: back to the list, asked first
    click(qtbot, window, "Yes, leave and delete my answers")
    assert heading(window) == "What do you want to do?"
    driver.start("report_problem")
    assert heading(window) != TITLE
    assert "Jo Placeholder" not in boxes(window)


def test_the_question_is_asked_in_the_visits_language_with_answers_on_the_reading_side(
        qtbot, window, driver):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    driver.start("report_problem", "ar")
    driver.complete(REPORT)
    click(qtbot, window, "استخدام خدمة أخرى")  # "Use another service"
    driver.start("housing_assistance", "ar")
    assert heading(window) == "هل تريد استخدام البيانات التي قدّمتها من قبل؟"
    answer = next(w for w in window.findChildren(QLabel) if w.isVisible()
                  and w.text() == "Sam Example")
    assert answer.alignment() & Qt.AlignmentFlag.AlignRight
    assert answer.alignment() & Qt.AlignmentFlag.AlignAbsolute  # not mirrored back to the left
    click(qtbot, window, "لا، سأدخلها من جديد")
    assert heading(window) == "ما اسمك الكامل؟"  # housing's first question, empty
    assert boxes(window) == [""]
