"""The on-screen keyboard docked at the bottom of the kiosk window (our own widget, not Qt
Virtual Keyboard): a layout per language and a number pad for numeric questions.

Keys never take the focus. Each sends a real key press and release to the focused text box,
so the box's own validator, input mask, cursor and undo behave as with a hardware keyboard.
Shift lasts for one letter (for a code it stays on: codes are capitals), and comes on by
itself at the start of a box, a sentence, or each word of a name or an address; there is no
long press, no double tap and nothing on hover. Next moves to the page's next box; it shows only
where there is one.

On a short screen the keys are lower (never under 48 px), so the question and its box keep
room above the keyboard.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from .keyboard_layouts import (
    MODES,
    Key,
    layers_for,
    letters_source,
    load_layout,
    pad_cells,
    page_rows,
    row_count,
    units,
)
from .style import keyboard_stylesheet

KEY = 64  # a key's height where there is room, in logical px (the rule is 44)
MIN_KEY = 48  # the lowest a key goes on a short screen; still above the rule's 44
SHARE = 0.3  # of the window's height the keyboard may take when its keys go below KEY
GAP = 6
MAX_KEY = {"pad": 150}  # widest a key grows on a large screen, per layer
MAX_KEY_DEFAULT = 120
_TEXT_BOXES = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)
_SINGLE_LINE = (QLineEdit, QAbstractSpinBox)  # Return there submits; in a multi-line box it
# would add a line break to the answer, so Done does not send it there
_LAYER_KEYS = {"symbols", "accents", "letters", "numbers"}



def key_size(window_height: int, rows: int) -> int:
    """The keys' height for a window: KEY where the keyboard takes under SHARE of it, lower
    on a short screen, never under MIN_KEY."""
    fits = (window_height * SHARE - 2 * GAP - (rows - 1) * GAP) / max(rows, 1)
    return max(MIN_KEY, min(KEY, int(fits)))


class OnScreenKeyboard(QWidget):
    done = Signal()  # the Done key: the page treats it as Continue
    next_box = Signal()  # the Next key: the focus moves to the next box
    key_pressed = Signal(str)  # the text typed, or the special key's name ("backspace", ...)

    def __init__(self, language: str = "en", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("onScreenKeyboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.key_px = KEY  # the keys' height now (lower on a short screen)
        self._room = 0  # the window's height the keys were fitted to
        self._watching: QWidget | None = None
        self._next_on = False  # a box follows the focused one on its page
        self._lock = False  # Shift stays on (a code)
        self.theme = "standard"
        self.set_theme("standard")
        self._stack = QStackedWidget()
        column = QVBoxLayout(self)
        column.setContentsMargins(GAP, GAP, GAP, GAP)
        column.addWidget(self._stack)
        self._pages: dict[str, QWidget] = {}
        self._built: dict[tuple[str, str], dict[str, QWidget]] = {}
        self._retired: list[QWidget] = []
        self._shift = False
        self.mode, self.layer = "text", "letters"
        self.language = ""
        self.set_language(language)

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self.setStyleSheet(keyboard_stylesheet(theme, self.key_px))

    # -- its size follows the window's ----------------------------------------------------------
    def showEvent(self, event) -> None:
        window = self.window()
        if window is not self and window is not self._watching:
            window.installEventFilter(self)
            self._watching = window
        self._fit()
        super().showEvent(event)

    def eventFilter(self, watched, event) -> bool:
        if watched is self._watching and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        window = self.window()
        if window is not self:
            self._room = window.height()
        if self._room and self._pages:
            self._size_keys(key_size(self._room, row_count(self.layout_def, self.mode)))
        self._set_height()

    def _size_keys(self, key: int) -> None:
        if key != self.key_px:
            self.key_px = key
            self.set_theme(self.theme)
            for pages in self._built.values():
                for page in pages.values():
                    for child in page.findChildren(QWidget):
                        if child.minimumHeight() and not child.layout():
                            child.setMinimumSize(key, key)

    def _set_height(self) -> None:
        # One height per mode (4 or 5 rows), so changing layer never moves the page above.
        rows = row_count(self.layout_def, self.mode)
        self.setFixedHeight(rows * self.key_px + (rows - 1) * GAP + 2 * GAP)

    # -- what the page asks for -----------------------------------------------------------------
    def set_language(self, language: str) -> None:
        self.layout_def = load_layout(language)
        self.language = self.layout_def.language  # English when the language has no layout
        rtl = self.layout_def.direction == "rtl"
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl
                                else Qt.LayoutDirection.LeftToRight)
        self._rebuild()

    def set_mode(self, mode: str) -> None:
        """text, email, integer, decimal, phone or id (anything else: text)."""
        mode = mode if mode in MODES else "text"
        if mode != self.mode or not self._pages:
            self.mode = mode
            self._rebuild()
        else:  # the same kind of box again: start from its first layer, no Shift left on
            self._shift = self._lock
            self.show_layer(layers_for(self.layout_def, mode)[0])
        self._auto_shift()

    def _auto_shift(self) -> None:
        """As a phone's keyboard does: Shift on by itself for one letter at the start of a box
        (or a sentence), and of each word in a name or an address (the box's "capitals")."""
        box = QApplication.focusWidget()
        style = box.property("capitals") if isinstance(box, _TEXT_BOXES) else None
        if self._shift or self.mode != "text" or style not in ("words", "sentences"):
            return
        if isinstance(box, QLineEdit):
            before = box.text()[:box.cursorPosition()]
        elif isinstance(box, QPlainTextEdit):
            cursor = box.textCursor()
            before = cursor.block().text()[:cursor.positionInBlock()]
        else:
            return
        if (not before.strip() or (style == "words" and before[-1] in " -")
                or (before.endswith(" ") and before.rstrip()[-1:] in (".", "!", "?"))):
            self._shift = True
            self._relabel()

    def show_next(self, shown: bool) -> None:
        """Next is there only when a box follows the focused one on its page."""
        self._next_on = shown
        for pages in self._built.values():
            for page in pages.values():
                self._place_next(page)

    def _place_next(self, page: QWidget) -> None:
        key = page.findChild(QPushButton, "key_next")
        if key is None:
            return
        key.setVisible(self._next_on)
        # On a number pad a hidden Next leaves its cell to Backspace above it (no hole).
        grid = page.findChild(QWidget, "padGrid")
        backspace = page.findChild(QPushButton, "key_backspace")
        cells = grid.layout() if grid is not None else None
        if isinstance(cells, QGridLayout) and backspace is not None:
            # PySide6 stub: getItemPosition is typed `object`; it returns (row, column, rows, span).
            position = cells.getItemPosition(cells.indexOf(backspace))
            row, column, _, span = cast(tuple[int, int, int, int], position)
            cells.removeWidget(backspace)
            cells.addWidget(backspace, row, column, 1 if self._next_on else 2, span)

    def layers(self) -> list[str]:
        return list(self._pages)

    def show_layer(self, layer: str) -> None:
        self.layer = layer
        self._stack.setCurrentWidget(self._pages[layer])
        self._relabel()

    def current_keys(self) -> list[QPushButton]:
        """The keys of the layer on screen."""
        return self._pages[self.layer].findChildren(QPushButton)

    def key(self, name: str) -> QPushButton | None:
        """A key of the layer on screen, by its accessible name."""
        return next((key for key in self.current_keys() if key.accessibleName() == name), None)

    # -- building -------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        # Built once per language and mode, then reused: moving between a name and a date
        # on the next page must not rebuild forty keys (it cost 12 ms a page).
        wanted = (self.language, self.mode)
        if wanted not in self._built:
            for key in [k for k in self._built if k[0] != self.language]:
                self._retire(self._built.pop(key))  # another language's keys: let them go
            pages = {layer: self._build_page(layer)
                     for layer in layers_for(self.layout_def, self.mode)}
            for page in pages.values():
                self._stack.addWidget(page)
            self._built[wanted] = pages
        self._lock = self.mode == "code"
        self._pages, self._shift = self._built[wanted], self._lock
        for page in self._pages.values():
            self._place_next(page)
        self._fit()
        self.show_layer(next(iter(self._pages)))

    def _retire(self, pages: dict[str, QWidget]) -> None:
        for page in pages.values():  # no longer a child: gone at the next event loop pass
            self._stack.removeWidget(page)
            page.hide()
            page.setParent(None)
            page.deleteLater()
            self._retired.append(page)
        self._retired = self._retired[-40:]

    def _build_page(self, layer: str) -> QWidget:
        page, grid = QWidget(), QWidget()
        # Digits read left to right in every language; letters follow their layout.
        rtl = layer != "pad" and letters_source(self.layout_def, self.mode).direction == "rtl"
        page.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl
                                else Qt.LayoutDirection.LeftToRight)
        grid.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        centre = QHBoxLayout(page)
        centre.setContentsMargins(0, 0, 0, 0)
        centre.addStretch(1)
        centre.addWidget(grid, 100)
        centre.addStretch(1)
        if layer == "pad":
            self._fill_pad(grid)
        else:
            self._fill_rows(grid, layer, rtl)
        return page

    def _fill_pad(self, grid: QWidget) -> None:
        grid.setObjectName("padGrid")
        cells = QGridLayout(grid)
        cells.setContentsMargins(0, 0, 0, 0)
        cells.setSpacing(GAP)
        placed = pad_cells(self.mode)
        columns = max(column + span for _, _, column, _, span in placed)
        for key, row, column, rows, span in placed:
            cells.addWidget(self._make_key(key, "pad", False), row, column, rows, span)
        for column in range(columns):
            cells.setColumnStretch(column, 1)
        for row in range(max(row + rows for _, row, _, rows, _ in placed)):
            cells.setRowStretch(row, 1)
        grid.setMaximumWidth(columns * MAX_KEY["pad"])

    def _fill_rows(self, grid: QWidget, layer: str, rtl: bool) -> None:
        rows = page_rows(self.layout_def, self.mode, layer)
        widest = max(units(row) for row in rows)
        grid.setMaximumWidth(int(widest * MAX_KEY_DEFAULT))
        column = QVBoxLayout(grid)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(GAP)
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(GAP)
            spare = round((widest - units(row)) * 2)  # half the room left on each side
            if spare:
                line.addStretch(spare)
            for key in row:
                line.addWidget(self._make_key(key, layer, rtl), round(key.width * 4))
            if spare:
                line.addStretch(spare)
            column.addLayout(line, 1)

    def _make_key(self, key: Key, layer: str, rtl: bool) -> QWidget:
        grow = (QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        if key.kind == "gap":
            blank = QWidget()
            blank.setMinimumSize(self.key_px, self.key_px)
            blank.setSizePolicy(*grow)
            return blank
        button = QPushButton()
        button.setObjectName(f"key_{key.kind}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text box keeps the focus
        button.setMinimumSize(self.key_px, self.key_px)
        button.setSizePolicy(*grow)
        words, labels = self.layout_def.names, dict(self.layout_def.labels)
        source = letters_source(self.layout_def, self.mode)
        labels["letters"] = source.labels["letters"]  # "ABC" when the letters are Latin
        if key.kind == "char":
            button.setProperty("role", "char")
            button.setProperty("char", key.text)  # relabelled when Shift is on
            button.setProperty("punct", not key.text.isalnum())  # , . ' - are small glyphs
            if any("\u0600" <= c <= "\u06ff" for c in key.text):
                button.setProperty("script", "arabic")  # Arabic glyphs look smaller at a size
        elif key.kind == "backspace":
            button.setProperty("role", "icon")
            button.setText("⌦" if rtl else "⌫")  # points the way text is erased
            button.setAccessibleName(words["backspace"])
            button.setAutoRepeat(True)  # hold to erase more; the only key that repeats
            button.setAutoRepeatDelay(500)
            button.setAutoRepeatInterval(120)
        elif key.kind in ("decimal", "space", "enter", "next", "shift"):
            role = {"enter": "enter", "shift": "icon"}.get(key.kind, "action")
            button.setProperty("role", "char" if key.kind == "decimal" else role)
            button.setProperty("punct", key.kind == "decimal")
            mark = self.layout_def.decimal_mark
            button.setText(mark if key.kind == "decimal" else labels[key.kind])
            button.setAccessibleName(words[key.kind])
            button.setCheckable(key.kind == "shift")
        else:  # a key to another layer; the same key comes back ("?123" then "ABC")
            back = key.kind != "numbers" and layer == key.kind
            target = "letters" if back else key.kind
            button.setProperty("role", "action")
            button.setText(labels[target])
            button.setAccessibleName(words[target])
        button.clicked.connect(lambda _checked=False, key=key: self._press(key))
        return button

    def _relabel(self) -> None:
        for button in self.current_keys():
            char = button.property("char")
            if char:
                text = self._shifted(char)
                button.setText(text.replace("&", "&&"))  # a lone & is a mnemonic marker
                button.setAccessibleName(self.layout_def.name(Key("char", char), text))
            elif button.isCheckable():
                button.setChecked(self._shift)

    def _shifted(self, text: str) -> str:
        upper = text.upper()
        return upper if self._shift and len(upper) == len(text) else text

    # -- typing ---------------------------------------------------------------------------------
    def _press(self, key: Key) -> None:
        if key.kind in ("char", "space", "decimal"):
            text = {"space": " ", "decimal": self.layout_def.decimal_mark}.get(
                key.kind, self._shifted(key.text))
            self._type(text)
            self.key_pressed.emit(text)
            if self._shift and not self._lock:
                self._shift = False
                self._relabel()
            self._auto_shift()
        elif key.kind == "backspace":
            self._send(Qt.Key.Key_Backspace, "")
            self.key_pressed.emit("backspace")
            self._auto_shift()
        elif key.kind == "enter":
            if isinstance(QApplication.focusWidget(), _SINGLE_LINE):
                self._send(Qt.Key.Key_Return, "\r")
            self.key_pressed.emit("enter")
            self.done.emit()
        elif key.kind == "next":
            self.key_pressed.emit("next")
            self.next_box.emit()
        elif key.kind == "shift":
            self._shift = not self._shift
            self._relabel()
            self.key_pressed.emit("shift")
        elif key.kind in _LAYER_KEYS:
            back = key.kind != "numbers" and self.layer == key.kind
            self.show_layer("letters" if back else "pad" if key.kind == "numbers" else key.kind)
            self.key_pressed.emit(key.kind)

    def _type(self, text: str) -> None:
        single = len(text) == 1
        code = ord(text.upper()) if single and len(text.upper()) == 1 else (
            ord(text) if single else Qt.Key.Key_unknown)  # Qt's key codes for characters
        shifted = text != text.lower()
        self._send(code, text, Qt.KeyboardModifier.ShiftModifier if shifted
                   else Qt.KeyboardModifier.NoModifier)

    def _send(self, code, text: str, modifiers=Qt.KeyboardModifier.NoModifier) -> bool:
        target = QApplication.focusWidget()
        if not isinstance(target, _TEXT_BOXES):
            return False
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, code, modifiers, text))
        return True
