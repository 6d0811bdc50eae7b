"""Started by the UI benchmark: paints either a bare PySide6 window or the kiosk's attract
screen, prints 'painted' at the first paint, and exits."""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
            QApplication.instance().removeEventFilter(self)
        return False


def main() -> None:
    app = QApplication(sys.argv[:1])
    probe = FirstPaint()
    if sys.argv[1] in ("bare", "label"):
        window = QWidget()
        if sys.argv[1] == "label":  # the same, with one line of text: fonts must load
            from PySide6.QtWidgets import QLabel

            QLabel("Public services", window)
        window.resize(1024, 768)
        app.installEventFilter(probe)
        window.show()
        app.exec()
        return
    # The kiosk exactly as `kiosk run --windowed` starts it, with a throwaway data folder.
    from ui.app import run_app

    os.environ["KIOSK_DATA_DIR"] = tempfile.mkdtemp(prefix="kiosk-bench-")
    app.installEventFilter(probe)
    run_app(None, windowed=True)


if __name__ == "__main__":
    main()
