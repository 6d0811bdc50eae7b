"""A kiosk is tapped tens of thousands of times a day. A Qt binding that leaks or steals a
reference on every tap crashes it in the end (PySide6 6.12.0 took one from None on every
button click and from True/False on every bool signal: 'Fatal Python error: none_dealloc')."""

import sys

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

TAPS = 2000


class Emitter(QObject):
    flag = Signal(bool)


def drift(action) -> dict[str, int]:
    before = {name: sys.getrefcount(value) for name, value in
              (("None", None), ("True", True), ("False", False))}
    for _ in range(TAPS):
        action()
    return {name: sys.getrefcount(value) - before[name] for name, value in
            (("None", None), ("True", True), ("False", False))}


def test_tapping_a_button_keeps_none_true_and_false_alive(qtbot):
    button = QPushButton("Continue")
    qtbot.addWidget(button)
    button.clicked.connect(lambda _=False: None)
    button.show()
    changes = drift(lambda: QTest.mouseClick(button, Qt.MouseButton.LeftButton))
    assert all(abs(change) < TAPS // 10 for change in changes.values()), changes


def test_bool_signals_keep_true_and_false_alive(qtbot):
    emitter = Emitter()
    received = {"true": 0}

    def count(value) -> None:  # keeps no reference to the value itself
        received["true"] += value is True

    emitter.flag.connect(count)
    changes = drift(lambda: emitter.flag.emit(True))
    assert received["true"] == TAPS
    assert all(abs(change) < TAPS // 10 for change in changes.values()), changes


def test_visits_leave_no_widgets_behind(window, driver, qtbot):
    """Every visit builds its screens anew: nothing of one may stay alive after the wipe (a
    choice group on the long-lived service list once kept each visit's topic buttons)."""
    import enum
    import gc

    import shiboken6

    from ui.screens.common import OneOf

    answers = {"category": "graffiti", "problem_detail": "graffiti_public_property",
               "location": "Test Street", "urgency": "not_urgent"}

    def leftovers() -> tuple[int, int, int]:
        qtbot.wait(1)  # deleteLater() runs when Qt is idle
        gc.collect()
        live = gc.get_objects()
        return (sum(isinstance(o, OneOf) for o in live),
                sum(isinstance(o, QPushButton) and not shiboken6.isValid(o) for o in live),
                # PySide makes an enum class for each new gesture number it is handed
                sum(isinstance(o, enum.EnumType) for o in live))

    def visit() -> None:
        driver.start("report_problem")
        driver.complete(answers)
        driver.tap_named("primary")  # Finish: the wipe

    visit()
    groups, dead_buttons, enums = leftovers()
    for _ in range(5):
        visit()
    after = leftovers()
    assert after[0] <= groups  # no new choice group per visit
    assert after[1] <= dead_buttons  # no deleted button kept by Python
    assert after[2] <= enums  # no new touch-scroll gesture per page
