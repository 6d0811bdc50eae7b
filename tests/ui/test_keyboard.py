"""The on-screen keyboard, driven as a person would: tapping its keys types into the box."""

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.keyboard import KEY, MIN_KEY, OnScreenKeyboard
from ui.keyboard_layouts import MODES, layers_for, load_layout

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "fr", "es", "ar"]


@pytest.fixture
def typing(qtbot):
    """A text box above the keyboard, 1024 px wide, with the focus in the box."""
    parents = []  # qtbot holds its widgets weakly

    def make(language="en", mode="text", box=None):
        parent = QWidget()
        line = box or QLineEdit()
        keyboard = OnScreenKeyboard(language)
        keyboard.set_mode(mode)
        column = QVBoxLayout(parent)
        column.addWidget(line)
        column.addWidget(keyboard)
        qtbot.addWidget(parent)
        parents.append(parent)
        parent.resize(1024, 480)
        parent.show()
        qtbot.waitExposed(parent)
        parent.activateWindow()
        line.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is line)
        return line, keyboard

    return make


def key(keyboard, name) -> QPushButton:
    found = [b for b in keyboard.findChildren(QPushButton)
             if b.isVisible() and b.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} visible keys named {name!r}"
    return found[0]


def tap(qtbot, keyboard, *names):
    for name in names:
        qtbot.mouseClick(key(keyboard, name), Qt.MouseButton.LeftButton)


def visible_keys(keyboard):
    return [b for b in keyboard.findChildren(QPushButton) if b.isVisible()]


def test_typing_a_name_with_shift(qtbot, typing):
    line, keyboard = typing()
    tap(qtbot, keyboard, "Shift")
    assert key(keyboard, "Shift").isChecked() and key(keyboard, "S").text() == "S"
    tap(qtbot, keyboard, "S")
    assert not key(keyboard, "Shift").isChecked()  # Shift lasts one letter
    tap(qtbot, keyboard, "a", "m")
    assert line.text() == "Sam"


def test_backspace_and_space(qtbot, typing):
    line, keyboard = typing()
    tap(qtbot, keyboard, "a", "b", "Backspace", "Space", "c")
    assert line.text() == "a c"
    assert key(keyboard, "Backspace").autoRepeat()
    assert not any(b.autoRepeat() for b in visible_keys(keyboard) if b.accessibleName() != "Backspace")


def test_the_focus_stays_in_the_box(qtbot, typing):
    line, keyboard = typing()
    tap(qtbot, keyboard, "h", "Shift", "I", "Numbers and symbols", "4", "Letters", "Backspace")
    assert QApplication.focusWidget() is line
    assert line.text() == "hI"
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in keyboard.findChildren(QPushButton))


def test_typing_goes_through_the_box_validator_and_cursor(qtbot, typing):
    line, keyboard = typing(mode="integer")
    line.setValidator(QIntValidator(0, 99))
    tap(qtbot, keyboard, "1", "2", "3")
    assert line.text() == "12"  # the validator refused the third digit
    line.setCursorPosition(0)
    tap(qtbot, keyboard, "Backspace", "Backspace")  # nothing before the cursor
    assert line.text() == "12"


def test_symbols_layer_has_digits_and_punctuation(qtbot, typing):
    line, keyboard = typing()
    assert key(keyboard, "Numbers and symbols").text() == "?123"
    tap(qtbot, keyboard, "Numbers and symbols")
    names = {b.accessibleName() for b in visible_keys(keyboard)}
    assert {str(d) for d in range(10)} | {"At sign", "Hyphen", "Apostrophe", "Comma",
                                          "Full stop", "?", "!"} <= names
    tap(qtbot, keyboard, "At sign", "&", "Letters", "x")
    assert line.text() == "@&x"


def test_french_accents_and_apostrophe(qtbot, typing):
    line, keyboard = typing("fr")
    tap(qtbot, keyboard, "l", "Apostrophe", "é", "t", "é", "Majuscule", "Ç", "Autres lettres accentuées",
        "œ", "Lettres", "a")
    assert line.text() == "l'étéÇœa"
    first_row = [key(keyboard, c) for c in "azerty"]
    assert [b.mapTo(keyboard, b.rect().center()).x() for b in first_row] == sorted(
        b.mapTo(keyboard, b.rect().center()).x() for b in first_row)  # AZERTY, left to right


def test_spanish_enye_and_accents(qtbot, typing):
    line, keyboard = typing("es")
    tap(qtbot, keyboard, "Abrir interrogación", "Mayúsculas", "Ñ", "a", "ñ", "á", "ü")
    assert line.text() == "¿Ñañáü"


def test_arabic_is_right_to_left_with_the_pc_arrangement(qtbot, typing):
    line, keyboard = typing("ar")
    assert keyboard.layoutDirection() == Qt.LayoutDirection.RightToLeft
    tap(qtbot, keyboard, "س", "ل", "ا", "م")
    assert line.text() == "سلام"

    def x(name):
        button = key(keyboard, name)
        return button.mapTo(keyboard, button.rect().center()).x()

    top_row = "ضصثقفغعهخحجد"  # left to right on a PC Arabic keyboard
    assert [x(c) for c in top_row] == sorted(x(c) for c in top_row)
    assert x("ض") < keyboard.width() / 4 < 3 * keyboard.width() / 4 < x("د")
    tap(qtbot, keyboard, "همزات", "أ", "حروف", "ف", "أرقام ورموز", "علامة استفهام", "حذف")
    assert line.text() == "سلامأف"


def test_arabic_email_and_identity_numbers_use_latin_letters(qtbot, typing):
    line, keyboard = typing("ar", "email")
    tap(qtbot, keyboard, "a", "آت", "b", "نقطة", "c")
    assert line.text() == "a@b.c"
    keyboard.set_mode("id")
    assert key(keyboard, "حروف").text() == "ABC"
    tap(qtbot, keyboard, "حروف", "x", "أرقام", "7")
    assert line.text() == "a@b.cx7"


@pytest.mark.parametrize("language", LANGUAGES)
def test_email_has_at_and_full_stop_on_the_letters(qtbot, typing, language):
    _, keyboard = typing(language, "email")
    texts = {b.text() for b in visible_keys(keyboard)}
    assert {"@", ".", "q", "m"} <= texts


@pytest.mark.parametrize(("language", "taps", "typed"), [
    ("fr", ["1", "2", "Virgule", "5"], "12,5"),
    ("es", ["1", "2", "Coma decimal", "5"], "12,5"),
    ("en", ["1", "2", "Decimal point", "5"], "12.5"),
    ("ar", ["1", "2", "فاصلة عشرية", "5"], "12.5"),
])
def test_decimal_pad_uses_the_language_mark(qtbot, typing, language, taps, typed):
    line, keyboard = typing(language, "decimal")
    tap(qtbot, keyboard, *taps)
    assert line.text() == typed


def test_phone_pad(qtbot, typing):
    line, keyboard = typing(mode="phone")
    tap(qtbot, keyboard, "Plus", "4", "4", "Space", "2", "0")
    assert line.text() == "+44 20"
    names = {b.accessibleName() for b in visible_keys(keyboard)}
    assert names == {str(d) for d in range(10)} | {"Plus", "Space", "Backspace", "Done"}


def test_number_pads_read_left_to_right_in_arabic(qtbot, typing):
    _, keyboard = typing("ar", "integer")
    xs = [key(keyboard, d).mapTo(keyboard, key(keyboard, d).rect().center()).x() for d in "123"]
    assert xs == sorted(xs)
    assert {b.text() for b in visible_keys(keyboard)} >= {str(d) for d in range(10)}


def test_id_pad_switches_to_letters_and_back(qtbot, typing):
    line, keyboard = typing(mode="id")
    tap(qtbot, keyboard, "1", "Letters", "Shift", "A", "Numbers", "2")
    assert line.text() == "1A2"


def test_done_sends_return_and_emits_done(qtbot, typing):
    line, keyboard = typing()
    pressed = []
    keyboard.key_pressed.connect(pressed.append)
    with qtbot.waitSignal(keyboard.done), qtbot.waitSignal(line.returnPressed):
        tap(qtbot, keyboard, "o", "k", "Done")
    assert pressed == ["o", "k", "enter"]


def test_done_adds_no_line_break_to_a_multi_line_box(qtbot, typing):
    box = QPlainTextEdit()
    _, keyboard = typing(box=box)
    with qtbot.waitSignal(keyboard.done):
        tap(qtbot, keyboard, "h", "i", "Done")
    assert box.toPlainText() == "hi"


def test_unknown_language_falls_back_to_english(qtbot, typing):
    _, keyboard = typing("xx")
    assert keyboard.language == "en"
    assert key(keyboard, "q").isVisible()


def test_switching_language_rebuilds_the_keys(qtbot, typing):
    line, keyboard = typing()
    keyboard.set_language("ar")
    assert keyboard.layoutDirection() == Qt.LayoutDirection.RightToLeft
    tap(qtbot, keyboard, "ب")
    keyboard.set_language("fr")
    assert keyboard.layoutDirection() == Qt.LayoutDirection.LeftToRight
    tap(qtbot, keyboard, "ç")
    assert line.text() == "بç"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_big_enough_and_named(qtbot, typing, language):
    _, keyboard = typing(language)
    keyboard.show_next(True)  # every key there is on screen
    for mode in MODES:
        keyboard.set_mode(mode)
        height = keyboard.height()
        assert height <= 5 * 64 + 6 * 6  # five rows at most
        assert keyboard.layers() == layers_for(load_layout(language), mode)
        for layer in keyboard.layers():
            keyboard.show_layer(layer)
            qtbot.waitUntil(lambda: all(b.isVisible() for b in keyboard.current_keys()))
            assert keyboard.height() == height  # a layer change never moves the page
            for button in keyboard.current_keys():
                where = f"{language} {mode} {layer} {button.accessibleName()!r}"
                assert button.accessibleName().strip(), where
                assert button.text().strip(), where
                assert button.width() >= MIN_KEY and button.height() >= MIN_KEY, (
                    where, button.size())
                inside = QRect(button.mapTo(keyboard, QPoint(0, 0)), button.size())
                assert keyboard.rect().contains(inside), where  # nothing clipped


def test_a_broken_layout_file_falls_back_to_english_and_says_where(tmp_path, monkeypatch, caplog):
    folder = tmp_path / "keyboards"
    folder.mkdir()
    (folder / "en.yaml").write_text((ROOT / "assets" / "keyboards" / "en.yaml").read_text("utf-8"),
                                    encoding="utf-8")
    (folder / "zz.yaml").write_text("layers:\n  letters: [a <bogus> b]\n  symbols: ['1']\n"
                                    "bottom:\n  text: <enter>\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(tmp_path))
    load_layout.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert load_layout("zz").language == "en"
        assert "zz.yaml" in caplog.text and "<bogus>" in caplog.text
    finally:
        load_layout.cache_clear()


@pytest.mark.parametrize(("height", "lowest", "highest"), [(768, MIN_KEY, 56), (1920, KEY, KEY)])
def test_keys_are_lower_on_a_short_screen_and_never_under_48(qtbot, typing, height, lowest,
                                                              highest):
    """A 1024 x 768 screen keeps room for the question above the keyboard: the keys are lower
    there (still above the 44 px rule), and full size on a tall portrait screen."""
    line, keyboard = typing()
    window = keyboard.window()
    for mode in MODES:
        keyboard.set_mode(mode)
        window.resize(1024, height)
        qtbot.waitUntil(lambda: lowest <= keyboard.key_px <= highest)
        qtbot.waitUntil(lambda: all(b.height() >= keyboard.key_px - 1
                                    for b in keyboard.current_keys() if b.isVisible()))
        keys = [b for b in keyboard.current_keys() if b.isVisible()]
        assert all(lowest <= b.height() and b.width() >= MIN_KEY for b in keys), mode
        if height == 768:
            assert keyboard.height() <= 0.3 * height + 1, mode


def test_next_shows_only_where_a_box_follows_and_moves_on(qtbot, typing):
    line, keyboard = typing()
    assert keyboard.findChild(QPushButton, "key_next").isHidden()  # no box after this one
    keyboard.show_next(True)
    found = [b for b in visible_keys(keyboard) if b.objectName() == "key_next"]
    assert len(found) == 1 and found[0].text() == "Next"
    with qtbot.waitSignal(keyboard.next_box):
        qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)
    for mode in ("integer", "phone", "id"):  # on a pad Backspace takes Next's cell back
        keyboard.set_mode(mode)
        keyboard.show_next(True)
        qtbot.waitUntil(lambda: key(keyboard, "Next box").isVisible()
                        and key(keyboard, "Backspace").height() == keyboard.key_px)
        keyboard.show_next(False)
        qtbot.waitUntil(lambda: key(keyboard, "Backspace").height() > 1.5 * keyboard.key_px)
        assert not [b for b in visible_keys(keyboard) if b.objectName() == "key_next"]


def test_a_code_is_typed_in_capitals_with_the_digits_beside_them(qtbot, typing):
    """A resume code or a postcode: the Latin letters in capitals that stay on, and the
    digits on the same keys, so "KPQ74B" takes six taps (in every language)."""
    for language in ("en", "ar", "fr", "es"):
        line, keyboard = typing(language, "code")
        assert keyboard.layers() == ["code"]
        assert not [b for b in visible_keys(keyboard)
                    if b.objectName() in ("key_shift", "key_symbols", "key_numbers")]
        tap(qtbot, keyboard, "K", "P", "Q", "7", "4", "B")
        assert line.text() == "KPQ74B"
        backspace = [b for b in visible_keys(keyboard) if b.objectName() == "key_backspace"]
        qtbot.mouseClick(backspace[0], Qt.MouseButton.LeftButton)
        assert line.text() == "KPQ74"


def test_a_layout_without_code_keys_gives_capitals_and_the_pad(qtbot, typing, monkeypatch):
    """A keyboard file written before the code keys existed still serves a code: the letters
    in capitals with the number pad one key away."""
    from ui import keyboard_layouts

    english = keyboard_layouts.load_layout("en")
    layers = {k: v for k, v in english.layers.items() if k != "code"}
    monkeypatch.setattr(english, "layers", layers)
    line, keyboard = typing("en", "code")
    assert keyboard.layers() == ["letters", "pad"]
    assert key(keyboard, "Shift").isChecked()
    tap(qtbot, keyboard, "K", "Numbers", "7", "Letters", "B")
    assert line.text() == "K7B"
