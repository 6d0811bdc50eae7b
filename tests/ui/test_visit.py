"""A whole visit through the real widgets: service list, questions, check answers, finish."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from kiosk.forms.catalogue import load_catalogue
from kiosk.store import Store
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "kiosk.db", site_id="TEST") as store:
        yield store


@pytest.fixture
def window(qtbot, store):
    window = MainWindow(load_catalogue(ROOT / "assets" / "forms"), store, language="en")
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    return window


def visible_texts(window) -> list[str]:
    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in window.findChildren(QLineEdit) if w.isVisible()]
    return texts


def click(qtbot, window, text: str) -> None:
    buttons = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.text() == text]
    assert buttons, f"no button '{text}' on screen: {[b.text() for b in window.findChildren(QPushButton) if b.isVisible()]}"
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)


def click_tile_containing(qtbot, window, text: str) -> None:
    tiles = [b for b in window.findChildren(QPushButton)
             if b.isVisible() and b.objectName() == "tile" and text in b.accessibleName()]
    assert tiles, f"no tile with '{text}'"
    qtbot.mouseClick(tiles[0], Qt.MouseButton.LeftButton)


def heading(window) -> str:
    return next(w.text() for w in window.findChildren(QLabel)
                if w.isVisible() and w.objectName() == "heading")


def type_into_first_box(qtbot, window, text: str) -> None:
    box = next(w for w in window.findChildren(QLineEdit) if w.isVisible())
    qtbot.keyClicks(box, text)


def test_a_citizen_reports_a_problem_and_the_next_person_sees_nothing(qtbot, window, store):
    click_tile_containing(qtbot, window, "Report a problem")
    assert heading(window) == "What do you want to report?"
    click(qtbot, window, "Continue")  # nothing chosen yet
    assert "There is a problem" in visible_texts(window)
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Continue")
    click_tile_containing(qtbot, window, "public")
    click(qtbot, window, "Continue")
    type_into_first_box(qtbot, window, "Bus shelter by the library")
    click(qtbot, window, "Continue")
    click_tile_containing(qtbot, window, "not urgent")
    click(qtbot, window, "Continue")
    while heading(window) != "Check your answers before sending":
        click(qtbot, window, "Continue")  # the optional questions
    assert "Bus shelter by the library" in visible_texts(window)
    assert "Not provided" in visible_texts(window)
    assert drafts(store) == 1  # autosaved after every page, encrypted
    submit = next(b for b in window.findChildren(QPushButton) if b.isVisible() and b.objectName() == "primary")
    qtbot.mouseClick(submit, Qt.MouseButton.LeftButton)
    assert heading(window) == "Your answers have been saved"
    reference = next(w.text() for w in window.findChildren(QLabel)
                     if w.isVisible() and w.objectName() == "reference")
    stored = store.receipt(reference)
    assert stored["state"] == "queued" and stored["form_id"] == "report_problem"
    assert store.submission(reference)["answers"]["location"] == "Bus shelter by the library"
    assert drafts(store) == 0  # sent: the autosave has gone
    QApplication.clipboard().setText("Bus shelter by the library")
    click(qtbot, window, "Finish")
    assert heading(window) == "What do you want to do?"
    assert window.page.session is None
    assert QApplication.clipboard().text() == ""
    everywhere = [w.text() for w in window.findChildren(QLabel)]
    everywhere += [w.text() for w in window.findChildren(QLineEdit)]
    assert not any("Bus shelter" in text for text in everywhere)


def test_the_service_list_follows_the_language_and_arabic_flips_the_layout(qtbot, window):
    click(qtbot, window, "Français")
    assert heading(window) == "Que voulez-vous faire\u00a0?"
    click(qtbot, window, "العربية")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    click(qtbot, window, "English")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_back_from_the_first_question_returns_to_the_services(qtbot, window):
    click_tile_containing(qtbot, window, "Report a problem")
    click(qtbot, window, "Back")
    assert heading(window) == "What do you want to do?"


def test_walking_away_mid_visit_leaves_no_draft(qtbot, window, store):
    click_tile_containing(qtbot, window, "Report a problem")
    click_tile_containing(qtbot, window, "Graffiti")
    click(qtbot, window, "Continue")
    assert drafts(store) == 1
    window.end_visit()  # what the idle timeout will call
    assert drafts(store) == 0
    assert heading(window) == "What do you want to do?"


def drafts(store) -> int:
    return store.status()["drafts_in_progress"]


def test_staff_see_that_a_damaged_database_was_set_aside(qtbot, tmp_path):
    path = tmp_path / "kiosk.db"
    path.write_bytes(b"not a database" * 500)
    with Store(path) as store:
        window = MainWindow(load_catalogue(ROOT / "assets" / "forms"), store, language="en")
        qtbot.addWidget(window)
        window.show()
        notices = [w.text() for w in window.findChildren(QLabel)
                   if w.isVisible() and w.objectName() == "notice"]
        assert len(notices) == 1 and "damaged" in notices[0] and "IT" in notices[0]
