"""The receipt at the end of a visit: printed, or, with no printer, said plainly with the QR
code large on screen. The printed page and the screen's code both scan back to the reference."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel

import kiosk.receipts.fonts
import ui.printing
from ui.printing import Printed
from ui.qr import QrView
from ui.selftest import ANSWERS, FORM

from .helpers import visible_texts


def _scan(png) -> str:
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg is missing: `make system-deps` installs zbar-tools")
    done = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True,
                          timeout=30)
    return done.stdout.strip()


def _printing_text(window) -> str:
    return next(w.text() for w in window.done.findChildren(QLabel)
                if w.objectName() in ("printing", "printFailed") and w.isVisible())


def test_with_no_printer_the_kiosk_says_so_and_shows_the_code_to_photograph(
        window, driver, qtbot, tmp_path):
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    qtbot.waitUntil(lambda: bool(window.done.findChildren(QrView)))
    assert _printing_text(window).startswith("This kiosk cannot print here. Take a photo")
    (code,) = window.done.findChildren(QrView)
    qtbot.waitUntil(code.isVisible)
    assert code.width() >= 280  # large enough to photograph
    code.grab().save(str(tmp_path / "screen-qr.png"))
    assert _scan(tmp_path / "screen-qr.png") == reference
    assert reference in visible_texts(window)  # and the reference itself, to write down


def test_a_receipt_goes_to_the_printer_and_scans_back_to_the_reference(
        window, driver, qtbot, tmp_path, monkeypatch):
    output = tmp_path / "printed.pdf"

    def file_printer(name):  # a real QPrinter, printing to a file instead of paper
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output))
        return printer

    monkeypatch.setattr(ui.printing, "choose_printer", file_printer)
    window.config = window.config.model_copy(update={"printer": "", "receipt_layout": "roll80"})
    driver.start(FORM, "en")
    reference = driver.complete(ANSWERS)
    qtbot.waitUntil(lambda: _printing_text(window) == "Take your receipt from the printer.")
    assert not window.done.findChildren(QrView)
    printed = PdfReader(output)
    width_mm = float(printed.pages[0].mediabox.width) / 72 * 25.4
    assert len(printed.pages) == 1 and round(width_mm) == 80  # the roll, cut to length
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(output),
                    str(tmp_path / "printed")], check=True, timeout=60)
    assert _scan(tmp_path / "printed.png") == reference


def test_a_saved_form_gives_a_slip_whose_code_scans(window, driver, qtbot, tmp_path):
    driver.start(FORM, "en")
    driver.fill_page(ANSWERS)
    driver.tap_named("primary")
    driver.tap_named("save_later")
    qtbot.waitUntil(lambda: bool(window.done.findChildren(QrView)))
    code = next(w.text() for w in window.done.findChildren(QLabel)
                if w.objectName() == "reference" and w.isVisible())
    assert _printing_text(window).endswith("or write down your code.")
    window.done.findChildren(QrView)[0].grab().save(str(tmp_path / "slip.png"))
    assert _scan(tmp_path / "slip.png") == code


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
