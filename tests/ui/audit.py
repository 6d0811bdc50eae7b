"""What the accessibility audit checks on whatever the kiosk shows at a moment: each function
returns the problems it finds, worded so a failing test says where to look.

- too_small: every control at least 44 x 44 px (WCAG 2.5.5, AAA).
- clipped: every text's required size fits the room it was given, inside the screen, and no
  two texts or controls overlap (WCAG 1.4.4 and 1.4.10, checked at 200 %).
- unnamed: every control has an accessible name and a role a screen reader announces.
- focus_order: Tab visits the controls in reading order (WCAG 2.4.3).
- question_in_sight: with the keyboard up, the page's heading and the box being typed into are
  both wholly in view, neither scrolled away nor under the keyboard (WCAG 2.4.11, Focus Not
  Obscured; and a person must see what they are asked while they answer)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QWidget,
)

MINIMUM = 44
CONTROLS = (QPushButton, QLineEdit, QPlainTextEdit, QSlider)
ROLES = {
    QAccessible.Role.Button, QAccessible.Role.CheckBox, QAccessible.Role.RadioButton,
    QAccessible.Role.EditableText, QAccessible.Role.Slider,
}
SLACK = 1  # px: rounding in Qt's own layout arithmetic


def _describe(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") else ""
    return f"{type(widget).__name__} {widget.objectName()!r} {(text or widget.accessibleName())[:40]!r}"


def shown(window: QWidget, kinds) -> list[QWidget]:
    """The widgets of these kinds a person can see now: visible, and not under an overlay."""
    root = overlay(window) or window
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    return [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()]


def overlay(window: QWidget) -> QWidget | None:
    """A dialog laid over the screen (the idle warning, the PIN pad): only it can be used."""
    for name in ("dialog",):
        for frame in window.findChildren(QWidget, name):
            if frame.isVisible():
                return frame
    return None


def too_small(window: QWidget) -> list[str]:
    return [f"{_describe(w)} is {w.width()}x{w.height()}" for w in shown(window, CONTROLS)
            if w.width() < MINIMUM or w.height() < MINIMUM]


def unnamed(window: QWidget) -> list[str]:
    problems = []
    for widget in shown(window, CONTROLS):
        if not widget.accessibleName().strip():
            problems.append(f"{_describe(widget)} has no accessible name")
        face = QAccessible.queryAccessibleInterface(widget)
        if face is None or face.role() not in ROLES:
            problems.append(f"{_describe(widget)} has no control role"
                            f" ({face.role() if face else None})")
    return problems


def _visible_rect(widget: QWidget, scrolled: bool = True) -> QRect:
    """The part of the window the widget may draw in: its ancestors' rects, cut down. Inside
    a scrolling area only the sides cut (the content runs on up and down: it scrolls), unless
    `scrolled` is False: then only what is in view now."""
    window = widget.window()

    def placed(w: QWidget) -> QRect:
        return QRect(w.mapTo(window, w.rect().topLeft()), w.size())

    room = placed(widget)
    parent = widget.parentWidget()
    while parent is not None:
        if scrolled and isinstance(parent.parentWidget(), QAbstractScrollArea):  # a viewport
            viewport = placed(parent)
            room.setLeft(max(room.left(), viewport.left()))
            room.setRight(min(room.right(), viewport.right()))
            break
        room = room.intersected(placed(parent))
        parent = parent.parentWidget()
    return room


def _needed(widget: QWidget):
    if isinstance(widget, QLabel):
        if widget.wordWrap():
            return widget.minimumSizeHint().width(), widget.heightForWidth(widget.width())
        hint = widget.sizeHint()
        return hint.width(), hint.height()
    if isinstance(widget, QPushButton) and widget.text():
        hint = widget.sizeHint()
        return hint.width(), hint.height()
    return 0, 0


def clipped(window: QWidget) -> list[str]:
    problems = []
    texts = [w for w in shown(window, (QLabel, QPushButton))
             if not (isinstance(w, QLabel) and not w.text())]
    for widget in texts:
        width, height = _needed(widget)
        if width > widget.width() + SLACK or height > widget.height() + SLACK:
            problems.append(f"{_describe(widget)} needs {width}x{height},"
                            f" has {widget.width()}x{widget.height()}")
        rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        room = _visible_rect(widget)
        if room.width() + SLACK < rect.width() or room.height() + SLACK < rect.height():
            problems.append(f"{_describe(widget)} at {rect.getRect()} is cut to {room.getRect()}")
    problems += _overlaps(window)
    return problems


def _leaves(window: QWidget) -> list[QWidget]:
    """Texts and controls, leaving out the words inside a control (they are part of it)."""
    found = []
    for widget in shown(window, (QLabel, *CONTROLS)):
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QAbstractButton):
            parent = parent.parentWidget()
        empty = isinstance(widget, QLabel) and not widget.text() and widget.pixmap().isNull()
        if parent is None and not empty:
            found.append(widget)
    return found


def _overlaps(window: QWidget) -> list[str]:
    leaves = _leaves(window)
    rects = [(w, _visible_rect(w, scrolled=False)) for w in leaves]
    problems = []
    for i, (one, one_rect) in enumerate(rects):
        for other, other_rect in rects[i + 1:]:
            if one.isAncestorOf(other) or other.isAncestorOf(one):
                continue
            common = one_rect.intersected(other_rect)
            if common.width() > SLACK + 1 and common.height() > SLACK + 1:
                problems.append(f"{_describe(one)} overlaps {_describe(other)}")
    return problems


# -- focus order ------------------------------------------------------------------------------

def tab_chain(window: QWidget, limit: int = 200) -> list[QWidget]:
    """The controls Tab visits, once round, starting from the first after the focus."""
    from PySide6.QtTest import QTest

    chain: list[QWidget] = []
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is None or (chain and widget is chain[0]):
            break
        chain.append(widget)
    return chain


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def _rows(placed: list[tuple[QRect, object]], right_to_left: bool) -> list:
    """Top to bottom by rows; within a row left to right (right to left in Arabic). Two
    things share a row when their vertical middles are within each other's height."""
    placed = sorted(placed, key=lambda item: item[0].top())
    rows: list[list[tuple[QRect, object]]] = []
    for rect, thing in placed:
        if rows and any(abs(rect.center().y() - r.center().y()) < min(rect.height(), r.height()) / 2
                        for r, _ in rows[-1]):
            rows[-1].append((rect, thing))
        else:
            rows.append([(rect, thing)])
    ordered = []
    for row in rows:
        row.sort(key=lambda item: -item[0].center().x() if right_to_left else item[0].center().x())
        ordered += [thing for _, thing in row]
    return ordered


def reading_order(widgets: list[QWidget], right_to_left: bool) -> list[QWidget]:
    """The order a person reads the screen in. A scrolling area is read as one block where it
    stands, its content in its own reading order however far it is scrolled."""
    window = widgets[0].window() if widgets else None
    blocks: dict[object, list[QWidget]] = {}
    for widget in widgets:
        blocks.setdefault(_scroll_area(widget) or widget, []).append(widget)
    placed = [(QRect(key.mapTo(window, key.rect().topLeft()), key.size()), key) for key in blocks]
    ordered = []
    for key in _rows(placed, right_to_left):
        if isinstance(key, QAbstractScrollArea):
            content = key.widget() if hasattr(key, "widget") else key.viewport()
            inner = [(QRect(w.mapTo(content, w.rect().topLeft()), w.size()), w) for w in blocks[key]]
            ordered += _rows(inner, right_to_left)
        else:
            ordered.append(key)
    return ordered


def focus_order(window: QWidget) -> list[str]:
    """Tab's round of the controls on screen, read from the first control at the top, against
    the reading order; and no control a person can see is left out of the round."""
    chain = tab_chain(window)
    right_to_left = window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # Every control that can hold the focus at all: one that takes it by a click only (as Qt
    # does to the unchosen buttons of an exclusive group) is out of reach of the keys. Only
    # the on-screen keyboard's keys never take it: the physical keys are their alternative.
    expected = reading_order([w for w in shown(window, CONTROLS)
                              if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isEnabled()],
                             right_to_left)
    problems = [f"Tab stops on {_describe(w)}, which is not a control a person sees"
                for w in chain if w not in expected]
    problems += [f"Tab never reaches {_describe(w)}" for w in expected if w not in chain]
    if problems or not expected:
        return problems
    start = chain.index(expected[0])
    rotated = chain[start:] + chain[:start]
    if rotated != expected:
        return ["Tab goes " + " -> ".join(_describe(w) for w in rotated)
                + "\n  reading order is " + " -> ".join(_describe(w) for w in expected)]
    return []


# -- the question in sight ------------------------------------------------------------------

def boxes_in(widget: QWidget) -> list[QWidget]:
    return widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit)


def _placed(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())


def question_in_sight(window: QWidget) -> list[str]:
    """The focused box and its page's heading, where a person sees them now. The heading may be
    the page's own (scrolled into view) or the copy kept above the scrolling page."""
    box = window.focusWidget()
    if not isinstance(box, (QLineEdit, QPlainTextEdit)) or not box.isVisible():
        return []  # nothing is being typed
    keyboard = window.findChild(QWidget, "onScreenKeyboard")
    if keyboard is None or not keyboard.isVisible():
        return [f"{_describe(box)} has the focus but no keyboard is up"]
    under = _placed(keyboard)
    area = _scroll_area(box)
    view = _placed(area.viewport()) if area is not None else window.rect()
    problems = []
    shown = _placed(box)
    if not view.contains(shown) or shown.intersects(under):
        problems.append(f"{_describe(box)} at {shown.getRect()} is not all in view"
                        f" {view.getRect()} above the keyboard at {under.y()}")
    content = area.widget() if area is not None else None
    headings = [w for w in (content.findChildren(QLabel, "heading") if content else [])
                if w.isVisible() and w.parentWidget() is content]
    if not headings:
        return problems + [f"no heading on the page of {_describe(box)}"]
    heading = headings[0]
    kept = [w for w in window.findChildren(QLabel, "keptHeading")
            if w.isVisible() and w.text() == heading.text()]
    if view.contains(_placed(heading)):
        return problems
    if kept and not _placed(kept[0]).intersects(under) and not _placed(kept[0]).intersects(view):
        needed = kept[0].heightForWidth(kept[0].width())
        if needed <= kept[0].height() + SLACK:
            return problems
        problems.append(f"the kept heading {heading.text()[:40]!r} needs {needed} px,"
                        f" has {kept[0].height()}")
        return problems
    return problems + [f"heading {heading.text()[:40]!r} at {_placed(heading).getRect()} is not"
                       f" all in view {view.getRect()} while typing in {_describe(box)}"]
