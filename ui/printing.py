"""Printing a receipt PDF through Qt's print support, to the configured or default printer.

The PDF is read from memory (QBuffer), so no copy of it is ever written to disk. Each page is
drawn at the printer's resolution (at most 300 dpi), which suits thermal roll printers and
office printers alike. It runs on the print lane, never on the screen's thread. With no printer, or a failure, the caller says so and shows the QR on screen instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

NO_PRINTER = "none"
MAX_DPI = 300


@dataclass(frozen=True)
class Printed:
    ok: bool
    reason: str = ""  # "no_printer" or "failed", and for the log what went wrong


def choose_printer(name: str) -> QPrinter | None:
    """The printer the config names, else the system's default; None when there is none."""
    if name.strip().lower() == NO_PRINTER:
        return None
    info = (next((p for p in QPrinterInfo.availablePrinters() if p.printerName() == name), None)
            if name else QPrinterInfo.defaultPrinter())
    if info is None or info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def print_pdf(pdf: bytes, printer_name: str, title: str = "Receipt") -> Printed:
    printer = choose_printer(printer_name)
    if printer is None:
        return Printed(False, "no_printer")
    return print_to(printer, pdf, title)


def print_to(printer: QPrinter, pdf: bytes, title: str) -> Printed:
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            return Printed(False, f"failed: the receipt could not be read ({document.error()})")
        first = document.pagePointSize(0)
        if printer.resolution() > MAX_DPI:  # plenty for text and QR; a 1200 dpi page image
            printer.setResolution(MAX_DPI)  # would take hundreds of MB and seconds
        printer.setDocName(title)
        printer.setFullPage(True)
        printer.setPageLayout(QPageLayout(
            QPageSize(QSizeF(first.width(), first.height()), QPageSize.Unit.Point, title),
            QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        painter = QPainter()
        if not painter.begin(printer):
            return Printed(False, "failed: the printer did not accept the job")
        try:
            for page in range(document.pageCount()):
                if page:
                    printer.newPage()
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                image = document.render(page, QSize(target.width(), target.height()))
                painter.drawImage(target, image)
        finally:
            painter.end()
        return Printed(True)
    finally:
        document.close()
        buffer.close()
