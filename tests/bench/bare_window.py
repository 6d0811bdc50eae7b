"""A bare PySide6 window that says 'painted' at its first paint and quits: what the kiosk's
start is compared with, run as it is by the UI bench and bundled the same way as the kiosk
(tests/bench/bare_window.spec). `label` adds one line of text (fonts must then load)."""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    probe = FirstPaint()
    app.installEventFilter(probe)
    window = QWidget()
    if sys.argv[1:] == ["label"]:
        QLabel("Public services", window)
    window.resize(1024, 768)
    window.show()
    sys.exit(app.exec())
