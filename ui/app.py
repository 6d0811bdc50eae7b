"""Start the Qt kiosk: one QApplication, one main window over the forms folder."""

from __future__ import annotations

import os
import sys

from kiosk.config import Config


def has_display() -> bool:
    """Whether Qt has somewhere to draw: a screen, or a platform chosen on purpose."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run_app(config: Config, windowed: bool = False, language: str | None = None,
            quit_after: float | None = None) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.forms.catalogue import load_catalogue

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Public service kiosk")
    catalogue = load_catalogue(config.forms_dir)
    for failure in catalogue.failures:
        # A broken form is reported and skipped; the others are still served.
        print(f"form not served: {failure}", file=sys.stderr)
    store = config.open_store()
    for warning in store.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    store.purge()
    window = MainWindow(catalogue, store, language=language or config.default_language,
                        idle_seconds=config.idle_seconds,
                        idle_warning_seconds=config.idle_warning_seconds, locked=not windowed)
    if windowed:
        window.resize(1024, 768)
        window.show()
    else:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        window.showFullScreen()
    if quit_after:
        QTimer.singleShot(int(quit_after * 1000), app.quit)
    try:
        return app.exec()
    finally:
        window.end_visit()
        window.shutdown()
        store.close()
