"""The language of a visit: the next person never inherits it, a form written in one language
says so on its tile and opens in that language, and a language IT adds gets its button."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from .form_folder import one_form, open_window
from .helpers import click, click_tile_containing, heading

ROOT = Path(__file__).resolve().parents[2]


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
