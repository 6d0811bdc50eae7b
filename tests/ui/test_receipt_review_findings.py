"""Review findings on receipts at the kiosk, each kept as a test now that it is fixed."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

import kiosk.receipts.fonts
import ui.printing
from ui.printing import Printed
from ui.qr import QrView
from ui.selftest import ANSWERS, FORM


def _printing_text(window) -> str:
    return next(w.text() for w in window.done.findChildren(QLabel)
                if w.objectName() in ("printing", "printFailed") and w.isVisible())


def test_a_receipt_that_cannot_be_made_is_said_plainly_with_the_code_on_screen(
        window, driver, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(kiosk.receipts.fonts, "assets_dir", lambda: tmp_path)  # no fonts here
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    qtbot.waitUntil(lambda: not window.tasks.busy())
    qtbot.wait(50)
    assert _printing_text(window) != "Printing your receipt…"
    codes = window.done.findChildren(QrView)
    assert codes and codes[0].payload == reference


def test_the_screen_stays_responsive_while_the_receipt_prints(
        window, driver, qtbot, monkeypatch):
    def slow_printer(pdf, name, title="Receipt"):  # a printer (or spooler) taking its time
        time.sleep(0.8)
        return Printed(True)

    monkeypatch.setattr(ui.printing, "print_pdf", slow_printer)
    window.config = window.config.model_copy(update={"printer": ""})
    ticks: list[float] = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        driver.start(FORM, "en")
        driver.complete(ANSWERS)
        qtbot.waitUntil(lambda: _printing_text(window) == "Take your receipt from the printer.")
    finally:
        timer.stop()
    longest = max(b - a for a, b in zip(ticks, ticks[1:], strict=False))
    assert longest < 0.4, f"the screen froze for {longest:.2f} s while printing"


def test_a_printed_slip_is_not_called_a_receipt(window, driver, qtbot, monkeypatch):
    may_finish = threading.Event()  # the printer finishes when the test has read the screen

    def printer(pdf, name, title=""):
        may_finish.wait(10)
        return Printed(True)

    monkeypatch.setattr(ui.printing, "print_pdf", printer)
    window.config = window.config.model_copy(update={"printer": ""})
    driver.start(FORM, "en")
    driver.fill_page(ANSWERS)
    driver.tap_named("primary")
    driver.tap_named("save_later")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done)
    while_printing = _printing_text(window)
    may_finish.set()
    qtbot.waitUntil(lambda: _printing_text(window) != while_printing)
    assert "receipt" not in while_printing.lower(), while_printing
    assert "receipt" not in _printing_text(window).lower(), _printing_text(window)
