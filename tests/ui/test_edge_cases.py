"""Edge cases in the Qt screens that a review found broken, now fixed."""

from pathlib import Path
from textwrap import dedent

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.config import Config
from kiosk.forms.catalogue import load_catalogue
from kiosk.store import Store
from ui.inputs import SignaturePad
from ui.main_window import MainWindow

from .helpers import click, click_tile_containing, heading, type_into_first_box, visible_texts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "kiosk.db", site_id="TEST") as store:
        yield store


def open_window(qtbot, store, folder):
    window = MainWindow(load_catalogue(folder), store, language="en")
    window.config = Config(site_id=store.site_id, printer="none")
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.resize(1024, 768)
    window.show()
    window.flow.begin("en")  # past the attract screen, to the service list
    return window


def one_form(tmp_path, survey: str, extra: str = "") -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "review.yaml").write_text(dedent("""\
        form_id: review
        version: "1"
        title: Review form
        default_language: en
        languages: [en]
        survey:
        """) + dedent(survey) + dedent(extra), encoding="utf-8")
    return folder


def test_the_next_person_does_not_inherit_the_last_persons_language(qtbot, store):
    window = open_window(qtbot, store, ROOT / "assets" / "forms")
    try:
        click(qtbot, window, "العربية")
        click_tile_containing(qtbot, window, "")  # any service
        window.flow.end_visit()  # what Finish and the idle timeout call
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert heading(window) == "Public services"
        window.flow.begin("en")
        assert heading(window) == "What do you want to do?"
    finally:
        window.set_language("en")


def test_a_form_in_one_language_says_so_and_opens_in_it(qtbot, store, tmp_path):
    """Chosen in Arabic, a form written only in English says so on its tile, and opens laid
    out left to right with the English keyboard, not as English words in an Arabic window."""
    folder = one_form(tmp_path, """\
        - {type: text, name: remarks, label: Any remarks}
        """)
    window = open_window(qtbot, store, folder)
    try:
        click(qtbot, window, "العربية")
        assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert tile_text(window, "review") == "غير متوفر بلغتك: يُعرض باللغة English."
        click_tile_containing(qtbot, window, "Review form")
        assert heading(window) == "Any remarks"
        assert window.language == "en"
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert window.header.speak.accessibleName() == "Read aloud"
        click(qtbot, window, "Back")  # back on the list: in the language the citizen chose
        assert window.language == "ar"
        assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert heading(window) == "ماذا تريد أن تفعل؟"
        window.flow.end_visit()
        window.flow.begin("fr")
        assert tile_text(window, "review") == "Pas dans votre langue\u00a0: affiché en English."
        window.flow.begin("en")
        assert tile_text(window, "review") == ""  # in its own language: nothing to say
    finally:
        window.set_language("en")


def tile_text(window, form_id: str) -> str:
    tile = next(w for w in window.findChildren(QPushButton)
                if w.isVisible() and w.property("form_id") == form_id)
    return tile.accessibleDescription()


def test_revisiting_a_signature_page_keeps_the_signature(qtbot, store, tmp_path):
    folder = one_form(tmp_path, """\
        - {type: signature, name: signed, label: Sign here}
        - {type: text, name: remarks, label: Any remarks}
        """)
    window = open_window(qtbot, store, folder)
    click_tile_containing(qtbot, window, "Review form")
    pad = next(w for w in window.findChildren(SignaturePad) if w.isVisible())
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    click(qtbot, window, "Continue")
    click(qtbot, window, "Continue")
    assert heading(window) == "Check your answers before sending"
    assert "\u2713" in visible_texts(window)  # signed
    click(qtbot, window, "Change")  # the first row: the signature
    assert heading(window) == "Sign here"
    click(qtbot, window, "Continue")  # nothing changed on the page
    assert heading(window) == "Check your answers before sending"
    assert "\u2713" in visible_texts(window)


def test_a_signature_can_be_started_again(qtbot, store, tmp_path):
    """A slip of the finger is not there for good, and a signature changed from check your
    answers is a new one, not drawn over the old."""
    folder = one_form(tmp_path, """\
        - {type: signature, name: signed, label: Sign here, required: true}
        """)
    window = open_window(qtbot, store, folder)

    def pad():
        return next(w for w in window.findChildren(SignaturePad) if w.isVisible())

    def stroke(x: int) -> None:
        qtbot.mousePress(pad(), Qt.MouseButton.LeftButton, pos=QPoint(x, 20))
        qtbot.mouseMove(pad(), QPoint(x + 30, 60))
        qtbot.mouseRelease(pad(), Qt.MouseButton.LeftButton, pos=QPoint(x + 30, 60))

    click_tile_containing(qtbot, window, "Review form")
    stroke(20)
    click(qtbot, window, "Clear the signature")
    click(qtbot, window, "Continue")
    assert heading(window) == "There is a problem"  # nothing signed: the pad is empty
    stroke(40)
    click(qtbot, window, "Continue")
    assert heading(window) == "Check your answers before sending"
    click(qtbot, window, "Change")
    assert pad().entry().startswith("M40,20")  # the signature given, shown again
    click(qtbot, window, "Clear the signature")
    stroke(200)
    assert pad().entry().startswith("M200,20") and pad().entry().count("M") == 1


def test_revisiting_a_decimal_page_keeps_the_number(qtbot, store, tmp_path):
    folder = one_form(tmp_path, """\
        - {type: decimal, name: amount, label: How much, required: true}
        - {type: text, name: remarks, label: Any remarks}
        """)
    window = open_window(qtbot, store, folder)
    click_tile_containing(qtbot, window, "Review form")
    type_into_first_box(qtbot, window, "12345678901.25")
    click(qtbot, window, "Continue")
    click(qtbot, window, "Back")
    click(qtbot, window, "Continue")  # unchanged
    assert heading(window) == "Any remarks", visible_texts(window)
    assert window.page.session._values["amount"] == 12345678901.25


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


def test_a_language_added_as_the_readme_says_gets_its_button(qtbot, store, tmp_path, monkeypatch):
    """IT adds assets/i18n/pt.yaml (and a keyboard): the kiosk offers Português after the
    four it ships with, and the service list then speaks it."""
    import shutil

    from kiosk import i18n
    from ui.keyboard_layouts import load_layout

    assets = tmp_path / "assets"
    shutil.copytree(ROOT / "assets", assets)
    english = (assets / "i18n" / "en.yaml").read_text(encoding="utf-8")
    assert "  name: English" in english and "choose_service: What do you want to do?" in english
    (assets / "i18n" / "pt.yaml").write_text(
        english.replace("  name: English", "  name: Português", 1).replace(
            "choose_service: What do you want to do?", "choose_service: O que deseja fazer?"),
        encoding="utf-8")
    shutil.copy(assets / "keyboards" / "en.yaml", assets / "keyboards" / "pt.yaml")
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(assets))
    caches = (i18n._compiled, i18n._catalogue, load_layout)
    for cached in caches:
        cached.cache_clear()
    try:
        window = open_window(qtbot, store, ROOT / "assets" / "forms")
        assert window.languages == ["en", "fr", "es", "ar", "pt"]
        click(qtbot, window, "Português")
        assert window.language == "pt" and heading(window) == "O que deseja fazer?"
        window.set_language("en")
    finally:
        for cached in caches:
            cached.cache_clear()
