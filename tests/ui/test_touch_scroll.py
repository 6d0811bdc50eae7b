"""A long page scrolls under a dragging finger, also when its scroll area is one used again
from an earlier page (areas are kept for reuse: see ui/screens/common.py), and also when it
was made before the kiosk turned touch scrolling on (the attract screen, painted first)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QInputDevice, QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.screens import common
from ui.screens.common import Screen, scrolling, turn_on_touch_scrolling

FINGER = QPointingDevice("test touchscreen", 1, QInputDevice.DeviceType.TouchScreen,
                         QPointingDevice.PointerType.Finger,
                         QInputDevice.Capability.Position, 1, 0)


def long_page(words: str) -> QWidget:
    content = QWidget()
    column = QVBoxLayout(content)
    for number in range(60):
        column.addWidget(QLabel(f"{words} {number}"))
    return content


def drag_up(qtbot, widget) -> None:
    QTest.touchEvent(widget, FINGER).press(0, QPoint(200, 250)).commit()
    for y in range(250, 40, -15):
        qtbot.wait(10)
        QTest.touchEvent(widget, FINGER).move(0, QPoint(200, y)).commit()
    QTest.touchEvent(widget, FINGER).release(0, QPoint(200, 40)).commit()


def shown_screen(qtbot) -> Screen:
    screen = Screen()
    qtbot.addWidget(screen)
    screen.resize(400, 300)
    screen.show()
    return screen


def test_a_finger_scrolls_a_new_page_and_a_page_in_a_reused_area(qtbot):
    screen = shown_screen(qtbot)
    first = scrolling(long_page("first"))
    screen.set_body(first)
    turn_on_touch_scrolling()  # as the window does once the forms are attached
    qtbot.wait(20)
    drag_up(qtbot, first.viewport())
    qtbot.waitUntil(lambda: first.verticalScrollBar().value() > 200, timeout=3000)

    for page in range(3):  # later pages take the areas earlier pages gave back
        area = scrolling(long_page(f"page {page}"))
        screen.set_body(area)
        qtbot.wait(20)
        assert area.verticalScrollBar().value() == 0  # a new page starts at its top
        assert area.widget().findChild(QLabel).text() == f"page {page} 0"
    drag_up(qtbot, area.viewport())
    qtbot.waitUntil(lambda: area.verticalScrollBar().value() > 200, timeout=3000)
    screen.set_body(None)


def test_an_area_made_before_touch_scrolling_is_on_takes_touch_when_it_is_turned_on(
        qtbot, monkeypatch):
    monkeypatch.setattr(common, "_touch_scrolling_on", False)
    monkeypatch.setattr(common, "_spare_areas", [])  # a new area, as at the first paint
    screen = shown_screen(qtbot)
    early = scrolling(long_page("early"))
    screen.set_body(early)
    qtbot.wait(20)
    drag_up(qtbot, early.viewport())
    qtbot.wait(300)
    assert early.verticalScrollBar().value() == 0  # no touch yet: painted before Qt's enums

    turn_on_touch_scrolling()
    drag_up(qtbot, early.viewport())
    qtbot.waitUntil(lambda: early.verticalScrollBar().value() > 200, timeout=3000)
    screen.set_body(None)
