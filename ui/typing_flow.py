"""Typing without hunting for the box: the keyboard's Next key moves to the page's next box,
the focus comes back to the box that had it after a setting or a dialog, and the question
stays in sight above the keyboard.

The box and its question are kept in view together: the page scrolls so the heading and the
box both show; where the room above the keyboard is too short for both (200 % text on a
1024 x 768 screen), the heading is kept in a line of its own above the scrolling page, and
the page scrolls to the box with as much of its own question above it as fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .screens.common import Screen, bring_into_view, plain_words
from .screens.overlay import Overlay
from .style import BODY_PX, text_scale

if TYPE_CHECKING:
    from .host import Host

BOXES = (QLineEdit, QPlainTextEdit)
Place = tuple[object, str, int]  # a box by its page's key, its question and its place in it
PAD = 8  # px kept clear above the heading and below the box
KEPT_PX = BODY_PX  # the kept heading: bold at the size of the page's words (which follow the
# text size chosen), so the box keeps room below it at 200 %


def alive(widget: QWidget | None) -> bool:
    try:
        return widget is not None and widget.isVisible() and widget.isEnabled()
    except RuntimeError:  # deleted with the page it was on
        return False


def screen_of(widget: QWidget) -> QWidget | None:
    """The screen (a page of a form, the resume screen, a helper page) a box is on."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, Screen):
        parent = parent.parentWidget()
    return parent


def boxes_of(root: QWidget) -> list[QWidget]:
    """The boxes to type in on a screen, in Tab's order (the page's reading order)."""
    found: list[QWidget] = []
    widget = root.nextInFocusChain()
    while widget is not root and widget is not None and len(found) < 200:
        if (isinstance(widget, BOXES) and root.isAncestorOf(widget) and alive(widget)
                and not widget.isReadOnly() and widget not in found):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def in_dialog(widget: QWidget) -> bool:
    """Inside a dialog laid over the screen, or the helper panel, while it is open."""
    parent: QWidget | None = widget
    while parent is not None:
        if (isinstance(parent, Overlay) or parent.objectName() == "helperPanel") \
                and parent.isVisible():
            return True
        parent = parent.parentWidget()
    return False


class TypingFlow(QObject):
    def __init__(self, host: Host, window: QWidget):
        super().__init__(window)
        self.host = host
        self.window = window  # the boxes and dialogs in it are the kiosk's
        self.box: QWidget | None = None  # the box on a citizen's screen that had the focus
        self.place: Place | None = None  # where it was, to find it on a redraw
        host.keyboard.next_box.connect(self.next_box)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        # A form's first page (or a resumed one) gives its box the focus before it is on
        # screen: the box and its Next are known once the page shows.
        host.stack.currentChanged.connect(self._shown)

    # -- Next -------------------------------------------------------------------------------
    def following(self, box: QWidget) -> QWidget | None:
        root = screen_of(box)
        boxes = boxes_of(root) if root is not None else []
        return boxes[boxes.index(box) + 1] if box in boxes[:-1] else None

    def next_box(self) -> None:
        focused = QApplication.focusWidget()
        after = self.following(focused) if isinstance(focused, BOXES) else None
        if after is not None:
            after.setFocus(Qt.FocusReason.TabFocusReason)
            if isinstance(after, QLineEdit):
                after.selectAll()  # an answer given before is typed over, as on a new box

    def _shown(self, _index: int = 0) -> None:
        focused = QApplication.focusWidget()
        if isinstance(focused, BOXES) and alive(focused):
            self._focus_changed(None, focused)

    # -- the focus comes back ---------------------------------------------------------------
    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if isinstance(new, BOXES) and self.window.isAncestorOf(new):
            self.host.keyboard.show_next(self.following(new) is not None)
            if self._on_screen(new) and not in_dialog(new):
                self.box, self.place = new, self._place_of(new)
            return
        if self.box is None or old is not self.box:
            return
        # The box lost the focus to a tap on a setting in the header (someone who uses keys
        # may Tab there: theirs to move). A dialog gives it back itself (screens/overlay.py).
        if new is not None and self._beside_the_screen(new) and not self.host.keys.used:
            box, place = self.box, self.place
            QTimer.singleShot(0, lambda: self.come_back(box, place))

    def _beside_the_screen(self, widget: QWidget) -> bool:
        """A control of the window outside the screen on show and any dialog: the header."""
        return (self.window.isAncestorOf(widget) and not in_dialog(widget)
                and not self.host.stack.isAncestorOf(widget)
                and not self.host.keyboard.isAncestorOf(widget))

    def _on_screen(self, widget: QWidget) -> bool:
        screen = self.host.stack.currentWidget()
        return screen is not None and screen.isAncestorOf(widget)

    def come_back(self, box: QWidget | None, place: Place | None) -> None:
        """The focus back to the box that had it, or to the same box of its page drawn again
        (at a new text size); never over an open dialog, nor on a page showing errors."""
        if not alive(box):
            box = self._box_at(place)
            session = self.host.page.session
            if box is not None and session is not None and session.page().problems:
                return
        if (box is None or not alive(box) or not self._on_screen(box)
                or self.dialog_open() or QApplication.focusWidget() is box):
            return
        box.setFocus(Qt.FocusReason.OtherFocusReason)

    def remember_place(self) -> tuple[QWidget | None, Place | None]:
        """Where the focus is, to give it back after the page is drawn again."""
        return self.box, self.place

    def _place_of(self, box: QWidget) -> Place | None:
        page = self.host.page
        if page.session is None or not page.isAncestorOf(box):
            return None
        for name, widget in page.inputs.items():
            boxes = widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit)
            if box in boxes:
                return page.session.key, name, boxes.index(box)
        return None

    def _box_at(self, place: Place | None) -> QWidget | None:
        page = self.host.page
        if place is None or page.session is None or page.session.key != place[0]:
            return None
        widget = page.inputs.get(place[1])
        boxes = (widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit)
                 if widget is not None else [])
        return boxes[place[2]] if place[2] < len(boxes) else None

    def dialog_open(self) -> bool:
        # Any dialog: the idle warning is an Overlay by another name (an opaque cover).
        return any(frame.isVisible() for frame in self.window.findChildren(Overlay)) or any(
            frame.isVisible() for frame in self.window.findChildren(QWidget, "helperPanel"))


# -- the question in sight ------------------------------------------------------------------

def _scroll_area(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent if isinstance(parent, QScrollArea) else None


def _top(widget: QWidget, content: QWidget) -> int:
    return widget.mapTo(content, QPoint(0, 0)).y()


def heading_of(content: QWidget) -> QLabel | None:
    """The page's own heading (not "There is a problem" in the error summary)."""
    for found in content.findChildren(QLabel, "heading"):
        if found.isVisible() and found.parentWidget() is content:
            return found
    return None


def kept_heading(area: QScrollArea) -> QLabel | None:
    """The line above the scrolling page that keeps the heading in sight, made the first
    time it is needed. Only where the page's buttons are below it (scrolling_above)."""
    whole = area.parentWidget()
    column = whole.layout() if whole is not None else None
    if whole is None or isinstance(whole, Screen) or not isinstance(column, QVBoxLayout):
        return None
    kept = whole.findChild(QLabel, "keptHeading")
    if kept is None:
        kept = plain_words(QLabel(), "keptHeading")
        kept.hide()
        column.insertWidget(0, kept)
    return kept


def _question_top(box: QWidget, content: QWidget) -> int:
    """The top of the box's own question: its label, hint and message above it."""
    widget = box
    while (parent := widget.parentWidget()) is not content and parent is not None:
        widget = parent
    layout = content.layout()
    if layout is None:
        return _top(widget, content)
    at = layout.indexOf(widget)
    top = _top(widget, content)
    while at > 0:
        at -= 1
        item = layout.itemAt(at)
        above = item.widget() if item is not None else None
        if not isinstance(above, QLabel) or above.objectName() == "heading":
            break
        top = _top(above, content)
        if not above.objectName():  # the question's own label: the start of its block
            break
    return top


def _relayout(widget: QWidget) -> None:
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    if layout is not None:
        layout.activate()


def keep_in_sight(widget: QWidget) -> None:
    """Scroll so the focused box and the page's heading are both in view, or keep the heading
    above the page where both cannot be (see the module's note)."""
    try:
        area = _scroll_area(widget) if isinstance(widget, BOXES) else None
        content = area.widget() if area is not None else None
        heading = heading_of(content) if content is not None else None
        if area is None or content is None or heading is None or not widget.isVisible():
            bring_into_view(widget)
            return
        kept = kept_heading(area)
        top = _top(heading, content)
        summary = content.findChild(QWidget, "errorSummary")
        bottom = _top(widget, content) + widget.height()
        if summary is not None and summary.isVisible():
            # "There is a problem" too, when it fits with them.
            with_summary = min(top, _top(summary, content))
            if bottom - with_summary + 2 * PAD <= area.viewport().height():
                top = with_summary
        if kept is not None and kept.isVisible():
            kept.hide()
            _relayout(kept)  # the page's view is as tall as it can be
        bar = area.verticalScrollBar()
        if bottom - top + 2 * PAD <= area.viewport().height() or kept is None:
            bar.setValue(top - PAD)
            if kept is None:
                bring_into_view(widget, PAD)
            return
        kept.setText(heading.text())
        kept.setStyleSheet(f"font-size: {round(KEPT_PX * text_scale())}px; font-weight: bold;"
                           f" padding: 0px 0px {PAD}px 0px;")
        kept.setAccessibleName(heading.text())
        kept.ensurePolished()
        left = area.height() - kept.heightForWidth(area.width())
        if left < max(widget.height() + 2 * PAD, area.minimumSizeHint().height()):
            bring_into_view(widget)  # no room for both (long words, 200 %): the box first
            return
        kept.show()
        _relayout(kept)
        room = area.viewport().height()
        start = _question_top(widget, content)
        bar.setValue(start - PAD if bottom - start + 2 * PAD <= room else bottom + PAD - room)
    except RuntimeError:  # the page went away in the meantime
        pass
