"""The kiosk as a real window on an X display, for the real-input tests (tests/ui/
test_real_input.py): they press and drag with real X events (xdotool), and ask this process,
line by line on its standard input, where things are and what a person would see.

Run as `python tests/ui/real_input_kiosk.py DATA_DIR` with DISPLAY set. Each request is one
JSON line; each answer is one line on standard output, "reply: " and JSON:

  {"find": {...}}   the visible widgets that match: their centre on the screen, text, state
  {"state": true}   what the screen shows: which screen, the page, its problems, the reference
  {"shot": PATH}    a screenshot of the whole X screen, as a person would see it
  {"quit": true}    end the visit and stop
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["QT_QPA_PLATFORM"] = "xcb"  # the X display, never offscreen

from PySide6.QtCore import QSocketNotifier  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from kiosk.config import Config  # noqa: E402
from kiosk.forms.catalogue import load_catalogue  # noqa: E402
from kiosk.store import Store  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.speech import TEST_ENGINE, Speaker  # noqa: E402


def describe(widget: QWidget) -> dict:
    """Where it is on the screen; x and y are the middle of the part of it in view, where a
    finger goes, and in_view says whether that part is a whole target (44 px) or more."""
    part = shown_part(widget)
    centre = widget.mapToGlobal(part.center() if not part.isEmpty() else widget.rect().center())
    corner = widget.mapToGlobal(widget.rect().topLeft())
    shown = {"x": centre.x(), "y": centre.y(), "left": corner.x(), "top": corner.y(),
             "width": widget.width(), "height": widget.height(), "name": widget.objectName(),
             "class": type(widget).__name__, "enabled": widget.isEnabled(),
             "accessible": widget.accessibleName()}
    shown["in_view"] = min(part.width(), part.height()) >= min(44, widget.height())
    if isinstance(widget, QAbstractButton | QLabel | QLineEdit):
        shown["text"] = widget.text()
    if isinstance(widget, QAbstractButton):
        shown["checked"] = widget.isChecked()
    for key in ("char", "option", "form_id", "service", "language"):
        value = widget.property(key)
        if value is not None:
            shown[key] = value
    return shown


def shown_part(widget: QWidget):
    """The part of it a person sees: clipped by the page's view when the page scrolls."""
    return widget.visibleRegion().boundingRect()


def find(window: MainWindow, wanted: dict) -> list[dict]:
    """Visible widgets by class, object name, text, accessible name or a property."""
    kind = {"button": QAbstractButton, "box": QLineEdit, "label": QLabel,
            "scroll": QScrollArea}.get(wanted.get("kind", ""), QWidget)
    found = []
    for widget in window.findChildren(kind):
        if not widget.isVisible():
            continue
        shown = describe(widget)
        if all(shown.get(key) == value for key, value in wanted.items() if key != "kind"):
            found.append(shown)
    return found


def state(window: MainWindow) -> dict:
    current = window.stack.currentWidget()
    names = {window.attract: "attract"}
    if window.ready:
        names.update({window.services: "services", window.page: "page", window.done: "done",
                      window.resume: "resume"})
    seen = {"screen": names.get(current, type(current).__name__), "ready": window.ready,
            "keyboard": window.ready and window.keyboard.isVisible(),
            # Presses are ignored for a moment after each new page (ui/tap_guard.py); a
            # person takes longer than that to read it, so the test's hand waits as long.
            "settled": not (window.ready and window.tap_guard.recent()),
            "press_to_change_ms": window.ready and window.tap_guard.press_to_change_ms}
    focus = QApplication.focusWidget()
    seen["focus"] = describe(focus) if focus is not None else None
    session = window.page.session if window.ready else None
    if session is not None and current is window.page:
        page = session.page()
        seen.update(page_key=page.key.name, page_kind=page.kind, title=page.title,
                    problems=[problem.message for problem in page.problems])
    seen["reference"] = next((w.text() for w in window.findChildren(QLabel)
                              if w.isVisible() and w.objectName() == "reference"), None)
    if window.ready and current is window.services:
        area = current.findChild(QScrollArea)
        seen["services_scrolled"] = area.verticalScrollBar().value() if area else None
    return seen


def main() -> int:
    data = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    catalogue = load_catalogue(ROOT / "assets" / "forms")
    store = Store(data / "kiosk.db", site_id="REAL")
    window = MainWindow(catalogue, store, language="en", locked=False, idle_seconds=600)
    window.config = Config(site_id="REAL", data_dir=data, printer="none")
    window.voice.speaker = Speaker(TEST_ENGINE)
    window.move(0, 0)
    window.resize(1024, 768)
    window.show()

    def answer(request: dict) -> object:
        if "find" in request:
            return find(window, request["find"])
        if "state" in request:
            app.sync()  # every X event the server has for us is handled first
            return state(window)
        if "shot" in request:
            picture = QGuiApplication.primaryScreen().grabWindow(0)  # the X screen itself
            return picture.save(request["shot"], "PNG")
        if "quit" in request:
            app.exit(0)
            return True
        return {"error": f"unknown request {sorted(request)}"}

    def read() -> None:
        line = sys.stdin.readline()
        if not line:  # the test went away
            app.exit(1)
            return
        try:
            reply = answer(json.loads(line))
        except Exception as error:  # said to the test, which shows it
            reply = {"error": f"{error.__class__.__name__}: {error}"}
        sys.stdout.write("reply: " + json.dumps(reply) + "\n")
        sys.stdout.flush()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(read)
    code = app.exec()
    window.flow.end_visit()
    window.shutdown()
    store.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
