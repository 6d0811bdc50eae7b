"""Small builders the screens share.

The attract screen is built from these before its first paint, and before then nothing may
import Qt's enum namespace (PySide builds its Python enums on first import, about 15 ms of the
kiosk's start): enum-valued settings here are made by property name."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk import i18n


class Screen(QWidget):
    """A screen whose whole content is rebuilt for each page, and can be wiped at once.

    The window calls enter() when it shows the screen and leave() when it moves on."""

    changed = Signal()  # a new body is up (a new page): the window's tap guard starts anew

    def __init__(self) -> None:
        super().__init__()
        self.outer = QVBoxLayout(self)
        self.body: QWidget | None = None
        self._retired: QWidget | None = None

    def enter(self) -> None:
        """Build what the screen shows now."""

    def leave(self) -> None:
        """Let go of what it showed (the default keeps nothing of a visit)."""

    def set_body(self, body: QWidget | None) -> None:
        if self.body is not None:
            old = self.body
            self.outer.removeWidget(old)
            if not _keep_scroll_areas(old):
                old.hide()
                # Out of the window at once (nothing of it can be found or shown), deleted
                # when Qt is idle: it may hold the button whose click brought us here.
                old.setParent(None)
                old.deleteLater()
            self._retired = old
        self.body = body
        if body is not None:
            self.outer.addWidget(body)
            body.show()
        self.changed.emit()


def label(text: str, name: str = "") -> QLabel:
    return plain_words(QLabel(text), name)


def plain_words(widget: QLabel, name: str = "") -> QLabel:
    """A label's words wrap, and are never markup, whatever an answer holds."""
    widget.setWordWrap(True)
    widget.setProperty("textFormat", "PlainText")
    if name:
        widget.setObjectName(name)
    return widget


def on_reading_side(widget: QLabel, language: str) -> QLabel:
    """Words that start where the visit's language starts reading, whatever they are written
    in: a QLabel aligns a number or a Latin name to the left even in an Arabic visit, far from
    the Arabic question it answers. The words keep their own direction."""
    from PySide6.QtCore import Qt  # not at the top: this module is in the first paint

    side = Qt.AlignmentFlag.AlignRight if i18n.direction(language) == "rtl" \
        else Qt.AlignmentFlag.AlignLeft
    widget.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
    return widget


def button(text: str, name: str = "", on_click=None) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(text)
    if name:
        widget.setObjectName(name)
    if on_click is not None:
        widget.clicked.connect(on_click)
    return widget


class OneOf(QObject):
    """Buttons of which one at a time is chosen, like radio buttons, each a stop for Tab.

    Not a QButtonGroup: Qt lets Tab reach only one button of a group (arrow keys move within
    it), which leaves the other options out of reach of someone using Tab and Space alone (a
    keypad, switch access). Choosing one here unchecks the others; choosing the chosen one
    again keeps it chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buttons: list[QAbstractButton] = []

    def addButton(self, button: QAbstractButton) -> None:
        self._buttons.append(button)
        # A method, not a lambda holding the button: PySide keeps a lambda connection (and
        # so this group and every button it names) alive after the widgets are deleted.
        button.clicked.connect(self._clicked)

    def buttons(self) -> list[QAbstractButton]:
        return list(self._buttons)

    def _clicked(self) -> None:
        chosen = self.sender()
        if isinstance(chosen, QAbstractButton):
            self._choose(chosen)

    def _choose(self, chosen: QAbstractButton) -> None:
        for other in self._buttons:
            if other is not chosen and other.isChecked():
                other.setChecked(False)
        chosen.setChecked(True)


def scrolling(content: QWidget) -> QScrollArea:
    """A page that scrolls by dragging a finger as well as with the wheel.

    Touch gestures only: the mouse-button gesture holds back every press to see whether it
    becomes a drag, which delays taps on buttons."""
    area = _spare_areas.pop() if _spare_areas else _new_scroll_area()
    area.setWidget(content)
    area.verticalScrollBar().setValue(0)
    return area


# Scroll areas are kept and used again rather than made for every page. QScroller.grabGesture
# registers a new gesture number for each new area, and PySide makes a Python enum class for
# each number it is handed that is never freed: about 11 KB for every page shown, which adds
# up on a kiosk that runs for weeks.
_spare_areas: list[QScrollArea] = []
_MOST_SPARE = 8


def _new_scroll_area() -> QScrollArea:
    area = QScrollArea()
    area.setProperty("reusable", True)
    area.setWidgetResizable(True)
    area.setProperty("horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    # Tab goes from control to control (the area scrolls to each); the area itself is not a
    # stop, or a keyboard user lands on something that shows no focus and does nothing.
    area.setProperty("focusPolicy", "NoFocus")
    # A viewport of our own: the one Qt makes is unknown to PySide, and handing it over the
    # first time makes PySide build every widget class it has (15 ms of the start).
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    area.setViewport(viewport)
    if _touch_scrolling_on:
        _scroll_by_touch(area)
    else:
        _touch_later.append(area)
    return area


def _scroll_by_touch(area: QScrollArea) -> None:
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)


# grabGesture answers with a Qt enum, so the attract screen's scroll area takes touch once it
# has been painted (the window turns it on when the forms are attached).
_touch_scrolling_on = False
_touch_later: list[QScrollArea] = []


def turn_on_touch_scrolling() -> None:
    global _touch_scrolling_on
    _touch_scrolling_on = True
    while _touch_later:
        area = _touch_later.pop()
        with contextlib.suppress(RuntimeError):  # deleted in the meantime (the pool was full)
            _scroll_by_touch(area)


def _keep_scroll_areas(old: QWidget) -> bool:
    """Take the reusable scroll areas out of a body that is going, for the next pages, and
    delete what they showed. True when the body was itself such an area (it is kept)."""
    areas = [old] if isinstance(old, QScrollArea) else old.findChildren(QScrollArea)
    kept = False
    for area in areas:
        if not area.property("reusable") or len(_spare_areas) >= _MOST_SPARE:
            continue
        QScroller.scroller(area.viewport()).stop()
        shown = area.takeWidget()
        if shown is not None:  # deleted when Qt is idle, as the rest of the body is
            shown.hide()
            shown.setParent(None)
            shown.deleteLater()
        # Hidden by leaving its parent, never by hide(): a widget hidden on purpose stays
        # hidden in the next layout it is put in.
        area.setParent(None)
        _spare_areas.append(area)
        kept = kept or area is old
    return kept


def bring_into_view(widget: QWidget, margin: int = 48) -> None:
    """Scroll the area a widget sits in so the widget (and a little round it) is in view."""
    try:
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None and widget.isVisible():
            # A short view (200 % text and the keyboard up on a small screen) gets the whole
            # widget rather than the margin round it.
            room = max(0, (parent.viewport().height() - widget.height()) // 2)
            parent.ensureWidgetVisible(widget, 0, min(margin, room))
    except RuntimeError:  # the page went away in the meantime
        pass


def scrolling_above(content: QWidget, *below: QWidget) -> QWidget:
    """The page's words scroll; what is below them (Back, Continue, Finish) stays in sight,
    however long the page and whatever the text size."""
    whole = QWidget()
    column = QVBoxLayout(whole)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(scrolling(content), 1)
    for widget in below:
        column.addWidget(widget)
    return whole


TILE_HEIGHT = 72


class Tile(QPushButton):
    """A large button whose words wrap onto more lines instead of running off the screen."""

    def __init__(self, title: str, description: str = "", icon: Path | None = None,
                 note: str = ""):
        super().__init__()
        from PySide6.QtCore import Qt  # not at the top: this module is in the first paint
        from PySide6.QtGui import QIcon

        self.setObjectName("tile")
        self.setAccessibleName(title)
        # A push button is Fixed in height (its size hint); a tile is as tall as its wrapped
        # words need at the width it is given, or a long description is cut at 200 %.
        policy = QSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        if description or note:
            self.setAccessibleDescription("\n".join(part for part in (description, note) if part))
        row = QHBoxLayout(self)
        self._row = row  # the tile's layout: its height follows the words in it
        row.setContentsMargins(24, 14, 24, 14)
        if icon is not None and icon.is_file():
            picture = QLabel()
            picture.setPixmap(QIcon(str(icon)).pixmap(QSize(56, 56)))
            picture.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            picture.setStyleSheet("background: transparent;")
            row.addWidget(picture)
        box = QVBoxLayout()
        row.addLayout(box, 1)
        self.words: list[QLabel] = []
        # The note is a line of its own: in the visit's language, perhaps written the other way
        # from a title and description in the service's.
        for text, name in ((title, "tileTitle"), (description, "tileText"), (note, "tileText")):
            if text:
                words = label(text, name)
                # Taps on the words are taps on the tile.
                words.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                box.addWidget(words)
                self.words.append(words)
        self.toggled.connect(self._show_state)
        self._show_state(False)

    def _show_state(self, checked: bool) -> None:
        # Style sheets cannot colour a child by its parent's state, so the words are told.
        colour = "color: #ffffff;" if checked else ""
        for words in self.words:
            words.setStyleSheet(f"background: transparent; {colour}")

    # The height follows the wrapped words, so nothing is cut off at large text sizes.
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(TILE_HEIGHT, self._row.totalHeightForWidth(width))

    def sizeHint(self) -> QSize:
        hint = self._row.totalSizeHint()
        return QSize(hint.width(), max(TILE_HEIGHT, hint.height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(TILE_HEIGHT, TILE_HEIGHT)
