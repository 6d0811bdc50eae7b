"""How many touches the licence form takes, from the attract screen to the reference number,
tapping the real widgets as a finger would: the language, the service's tile (a swipe first if
it is below the fold), every key of every answer on the on-screen keyboard (Shift and layer
keys included), Next between boxes, Done, the tiles and Send.

Issue 17's goal: at most 60 touches besides the characters of the answers themselves (the
first visit measured about 94 with the typing; the address page alone about 40)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea

from .keyboard_taps import keyboard_key
from .sample_answers import answer_sets

GOAL = 60  # touches besides the answers' own characters


class Finger:
    def __init__(self, window, qtbot):
        self.window, self.qtbot = window, qtbot
        self.touches = 0  # everything
        self.characters = 0  # keys that typed a character of an answer

    def tap(self, widget) -> None:
        area = widget.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:  # below the fold: a swipe to bring it up first
            top = widget.mapTo(area.viewport(), widget.rect().topLeft()).y()
            if top < 0 or top + widget.height() > area.viewport().height():
                area.ensureWidgetVisible(widget)
                self.touches += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.touches += 1

    def _find(self, object_name: str, properties: dict):
        return next(b for b in self.window.findChildren(QPushButton)
                    if b.isVisible() and b.isEnabled() and b.objectName() == object_name
                    and all(b.property(k) == v for k, v in properties.items()))

    def key(self, name: str) -> None:
        self.tap(keyboard_key(self.window, name))

    def type(self, text: str) -> None:
        """Each character with the keys a person would use: Shift for a capital, the
        numbers layer for a digit in a text box (and back to the letters)."""
        keyboard = self.window.keyboard
        for char in text:
            if char == " ":  # the space bar is on every layer
                self.key("key_space")
            else:
                if keyboard.layer != "pad" and keyboard.key(char.lower()) is None \
                        and keyboard.key(char) is None:
                    self.key("key_symbols" if keyboard.mode != "code" else "key_numbers")
                elif keyboard.layer not in ("letters", "pad", "code") and char.isalpha():
                    self.key("key_symbols")  # back to the letters
                if char.isupper() and not keyboard.key(char):
                    self.key("key_shift")
                button = keyboard.key(char) or next(
                    k for k in keyboard.current_keys() if k.isVisible() and k.text() == char)
                self.tap(button)
            self.characters += 1
        if keyboard.layer == "symbols":
            self.key("key_symbols")


def test_the_licence_form_takes_few_touches(make_window, qtbot, capsys):
    window = make_window()
    window.setFixedSize(1024, 768)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    answers = answer_sets("renew_driving_licence")[0]
    finger = Finger(window, qtbot)
    finger.tap(finger._find("primary", {"language": "en"}))
    finger.tap(finger._find("tile", {"form_id": "renew_driving_licence"}))
    session = window.page.session
    for _ in range(30):
        page = session.page()
        if page.kind == "check":
            break
        if not any(hasattr(w, "box") or hasattr(w, "boxes") for w in window.page.inputs.values()):  # choices, a note, the declaration
            for name, widget in window.page.inputs.items():
                wanted = answers.get(name)
                for tile, option in getattr(widget, "names", {}).items():
                    if option == wanted or (wanted is True and option == "yes"):
                        finger.tap(tile)
            finger.tap(finger._find("primary", {}))
            continue
        names = list(window.page.inputs)
        for number, name in enumerate(names):
            widget, value = window.page.inputs[name], answers.get(name)
            if number:
                finger.key("key_next")
            if value is None:
                continue
            if hasattr(widget, "boxes"):  # a date: the next box follows a full one
                year, month, day = str(value).split("-")
                finger.type(day)
                finger.type(month)
                finger.type(year)
            else:
                finger.type(str(value))
        finger.key("key_enter")  # Done in the last box is Continue
        assert session.page().key != page.key, session.page().problems
    finger.tap(finger._find("primary", {}))  # Send
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    assert any(w.isVisible() for w in window.done.findChildren(QLabel, "reference"))
    besides = finger.touches - finger.characters
    with capsys.disabled():
        print(f"\nlicence form: {finger.touches} touches from the attract screen to the"
              f" reference, {besides} besides the answers' {finger.characters} characters")
    assert besides <= GOAL
