"""`kiosk self-test`: one complete visit through the real widgets, offscreen, into a real
store in a throwaway folder; then the other parts a kiosk bundle must carry, each used once:
the receipt (reportlab, the fonts, the QR code), printing it through Qt's print support (to a
PDF file, never a printer), sealing and opening a submission (cryptography), and importing an
XLSForm (pyxform). Exit 0 only when every step worked; each step says what it did."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# A made-up visit to "report a problem"; no real person's details.
FORM = "report_problem"
ANSWERS = {
    "category": "graffiti",
    "problem_detail": "graffiti_public_property",
    "location": "Self-test Street, outside the library",
    "urgency": "not_urgent",
}


def run_self_test(forms_dir: Path | None = None) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the same run with or without a screen
    from PySide6.QtWidgets import QApplication

    from kiosk.config import Config
    from kiosk.store import Store

    from .driver import DriveError, Driver
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="kiosk-self-test-") as folder:
        # Config's own default (the sample forms) unless a folder is given.
        chosen: dict[str, Any] = {"forms_dir": forms_dir} if forms_dir else {}
        config = Config(data_dir=Path(folder), site_id="SELFTEST", printer="none", **chosen)
        catalogue = config.load_catalogue()
        if FORM not in catalogue.forms:
            print(f"self-test failed: the sample form '{FORM}' is not in {config.forms_dir}",
                  file=sys.stderr)
            return 1
        store = Store.from_config(config)
        window = MainWindow(catalogue, store, locked=False)
        # printer = none: a test prints nothing. The ignore goes once ui/main_window.py declares
        # `config: Config | None` (its `self.config = None` reads to mypy as always None).
        window.config = config
        window.resize(1024, 768)
        window.show()
        try:
            driver = Driver(window)
            driver.start(FORM, "en")
            reference = driver.complete(ANSWERS)
            stored = store.outbox.submission(reference)
            if stored is None or stored["answers"].get("location") != ANSWERS["location"]:
                print(f"self-test failed: {reference} was shown but is not stored", file=sys.stderr)
                return 1
        except DriveError as error:
            print(f"self-test failed: {error}", file=sys.stderr)
            return 1
        finally:
            window.flow.end_visit()
            window.shutdown()
            window.close()
            app.processEvents()
        print(f"self-test: a visit to '{FORM}' was stored as {reference}")
        steps: list[tuple[str, Callable[[], str]]] = [
            ("receipt", lambda: _receipt_printed(store, catalogue, config, reference,
                                                 Path(folder))),
            ("sealing", _sealed_and_opened),
            ("XLSForm import", lambda: _xlsform_imported(config.forms_dir)),
        ]
        try:
            for name, step in steps:
                try:
                    said = step()
                except Exception as error:  # a part missing from a bundle shows up here
                    print(f"self-test failed: {name}: {error.__class__.__name__}: {error}",
                          file=sys.stderr)
                    return 1
                print(f"self-test: {said}")
        finally:
            store.close()
    print("self-test passed")
    return 0


def _receipt_printed(store, catalogue, config, reference: str, folder: Path) -> str:
    """The visit's receipt made as the kiosk makes it, then printed through Qt's print support
    into a PDF file (QPrinter's PDF output stands in for the printer)."""
    from PySide6.QtPrintSupport import QPrinter

    from kiosk.receipts import receipt_content, render_receipt

    from .printing import print_to

    stored = store.outbox.receipt(reference)
    form = catalogue.version(stored.form_id, stored.form_version)
    pdf = render_receipt(receipt_content(stored, form, config), "a4")
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("the receipt is not a PDF")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed_file = folder / "printed.pdf"
    printer.setOutputFileName(str(printed_file))
    printed = print_to(printer, pdf, "Receipt")
    if not printed.ok:
        raise RuntimeError(f"printing failed ({printed.reason})")
    size = printed_file.stat().st_size if printed_file.exists() else 0
    if size < 1000:
        raise RuntimeError("printing wrote nothing")
    return f"its receipt was made ({len(pdf) // 1024} KB) and printed to a PDF file ({size // 1024} KB)"


def _sealed_and_opened() -> str:
    from kiosk.sealing import OpeningKey

    key = OpeningKey.generate()
    payload = b'{"answers": {"location": "Self-test Street"}}'
    envelope = key.public.seal(payload, "uuid:self-test")
    if key.open(envelope, "uuid:self-test") != payload:
        raise RuntimeError("a sealed submission did not open to the same bytes")
    return "a submission was sealed and opened again"


def _xlsform_imported(forms_dir: Path) -> str:
    from kiosk.forms.xlsform import import_xlsform

    sample = Path(forms_dir) / "xlsform" / f"{FORM}.xlsx"
    if not sample.is_file():
        return f"XLSForm import not tried (no {sample.name} beside the forms)"
    imported = import_xlsform(sample)
    return f"the XLSForm {sample.name} was imported ({imported.form.form_id})"
