"""Check your answers as a person reads it: each answer under its question on the reading
side, in English and in Arabic, and Change opening the page on the very box it named."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from tests.support.paths import ROOT

from .form_folder import one_form, open_window
from .helpers import click, click_tile_containing, heading, type_into_first_box, visible_texts

LICENCE = json.loads((ROOT / "tests" / "kiosk" / "data" / "answers" /
                      "renew_driving_licence.valid.jsonl").read_text(encoding="utf-8").splitlines()[1])


def to_check_answers(window, driver, language: str) -> None:
    driver.start("renew_driving_licence", language)
    for _ in range(40):
        if window.page.session.page().kind == "check":
            return
        driver.fill_page(LICENCE)
        driver.tap_named("primary")
    raise AssertionError("never reached check your answers")


def ink(widget) -> tuple[int, int]:
    """Where a widget's words are drawn, left and right, in window pixels: the columns of its
    picture that differ from its background."""
    image = widget.grab().toImage()
    background = image.pixel(0, 0)
    columns = [x for x in range(image.width())
               if any(image.pixel(x, y) != background for y in range(image.height()))]
    assert columns, f"nothing drawn for {widget.text()!r}"
    origin = widget.mapTo(widget.window(), widget.rect().topLeft()).x()
    dpr = image.devicePixelRatio()
    return origin + round(columns[0] / dpr), origin + round(columns[-1] / dpr)


def answer_rows(window) -> dict[str, tuple[QLabel, QLabel, QPushButton]]:
    """Each answer shown, keyed by its words: (question label, answer label, Change)."""
    page = window.page
    rows = {}
    for row in page.session.page().rows:
        question = next(w for w in page.content.findChildren(QLabel)
                        if w.isVisible() and w.text() == row.label)
        answer = next(w for w in page.content.findChildren(QLabel)
                      if w.isVisible() and w.text() == row.answer
                      and w.parentWidget() is question.parentWidget()
                      and w.y() > question.y())
        change = next(b for b in page.content.findChildren(QPushButton)
                      if b.accessibleName().endswith(row.label))
        rows[row.answer] = (question, answer, change)
    return rows


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_answer_sits_under_its_question_on_the_reading_side(window, driver, language):
    to_check_answers(window, driver, language)
    rows = answer_rows(window)
    # Numbers, Latin names and codes: written left to right even in an Arabic visit.
    for shown in ("519372049", "Alex Sample", "ZZ9 9ZZ"):
        question, answer, change = rows[shown]
        (q_left, q_right), (a_left, a_right) = ink(question), ink(answer)
        change_x = change.mapTo(window, change.rect().center()).x()
        if language == "ar":
            assert abs(a_right - q_right) <= 4, f"{shown}: answer ends at {a_right}, question at {q_right}"
            assert change_x < a_left  # Change at the row's end, the left in Arabic
        else:
            assert abs(a_left - q_left) <= 4, f"{shown}: answer starts at {a_left}, question at {q_left}"
            assert change_x > a_right


@pytest.mark.parametrize("language", ["en", "ar"])
def test_change_on_the_town_opens_the_address_page_typing_in_the_town_box(
        window, driver, qtbot, language):
    to_check_answers(window, driver, language)
    town = next(row for row in window.page.session.page().rows if row.name == "town")
    _, _, change = answer_rows(window)[town.answer]
    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    box = window.page.inputs["town"].box
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    assert window.page.session.key.name == "address"
    assert window.keyboard.isVisible()
    # What the citizen types now goes into the town, not the first line of the address.
    line_1 = window.page.inputs["address_line_1"].box.text()
    box.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "Newtown")
    assert box.text() == "Newtown"
    assert window.page.inputs["address_line_1"].box.text() == line_1
    driver.tap_named("primary")
    rows = {row.name: row.answer for row in window.page.session.page().rows}
    assert rows["town"] == "Newtown" and rows["address_line_1"] == LICENCE["address_line_1"]


def test_send_with_a_missing_answer_says_what_is_wrong(qtbot, store, tmp_path):
    folder = one_form(tmp_path, """\
        - {type: text, name: reason, label: Why, required: "${urgent} = 'yes'"}
        - {type: select_one, name: urgent, label: Is it urgent, choices: yes_no, required: true}
        """, """\
        choices:
          yes_no:
            - {name: "yes", label: "Yes"}
            - {name: "no", label: "No"}
        """)
    window = open_window(qtbot, store, folder)
    click_tile_containing(qtbot, window, "Review form")
    click(qtbot, window, "Continue")  # optional at this point
    click_tile_containing(qtbot, window, "Yes")
    click(qtbot, window, "Continue")
    assert heading(window) == "Check your answers before sending"
    send = next(b for b in window.findChildren(QPushButton)
                if b.isVisible() and b.objectName() == "primary")
    qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    assert heading(window) in ("There is a problem", "Why")
    assert "There is a problem" in visible_texts(window)


def test_an_answer_that_looks_like_markup_is_shown_as_typed(qtbot, store, tmp_path):
    folder = one_form(tmp_path, """\
        - {type: text, name: name, label: Your name}
        """)
    window = open_window(qtbot, store, folder)
    click_tile_containing(qtbot, window, "Review form")
    typed = "<b>Sam</b> & <i>Co</i>"
    type_into_first_box(qtbot, window, typed)
    click(qtbot, window, "Continue")
    assert heading(window) == "Check your answers before sending"
    shown = [w for w in window.findChildren(QLabel) if w.isVisible() and w.text() == typed]
    assert shown, visible_texts(window)
    # Plain text: the citizen sees the brackets they typed, not bold and italic words.
    assert all(w.textFormat() == Qt.TextFormat.PlainText for w in shown)
