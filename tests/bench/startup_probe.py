"""Started by the UI benchmark: paints a bare PySide6 window (or the same with one label),
prints 'painted' at the first paint, and exits. The kiosk is started as `kiosk run` itself."""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
    window = QWidget()
    if sys.argv[1] == "label":  # the same, with one line of text: fonts must load
        from PySide6.QtWidgets import QLabel

        QLabel("Public services", window)
    window.resize(1024, 768)
    app.installEventFilter(probe)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
