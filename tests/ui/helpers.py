"""Finding and touching widgets in the kiosk window, for the widget tests."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton

from ui.main_window import MainWindow
from ui.speech import TEST_ENGINE, Speaker


def shown_window(qtbot, catalogue, store, config, **options) -> MainWindow:
    """A kiosk window on screen at 1024 x 768, as the widget tests use it: it never prints on a
    real printer, and its speech is requested, never sent to a sound card."""
    window = MainWindow(catalogue, store, language="en", **options)
    window.config = config.model_copy(update={"printer": "none"})
    window.voice.speaker = Speaker(TEST_ENGINE)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    return window


def visible_texts(window) -> list[str]:
    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in window.findChildren(QLineEdit) if w.isVisible()]
    return texts


def everything_shown_or_kept(window) -> list[str]:
    """Every text any widget of the window holds, visible or not."""
    texts = [w.text() for w in window.findChildren(QLabel)]
    texts += [w.text() for w in window.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in window.findChildren(QPlainTextEdit)]
    texts += [w.text() + w.accessibleName() for w in window.findChildren(QPushButton)]
    return texts


def click(qtbot, window, text: str) -> None:
    buttons = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.text() == text]
    assert buttons, f"no button '{text}': {[b.text() for b in window.findChildren(QPushButton) if b.isVisible()]}"
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)


def click_tile_containing(qtbot, window, text: str) -> None:
    tiles = [b for b in window.findChildren(QPushButton)
             if b.isVisible() and b.objectName() == "tile" and text in b.accessibleName()]
    assert tiles, f"no tile with '{text}'"
    qtbot.mouseClick(tiles[0], Qt.MouseButton.LeftButton)


def heading(window) -> str:
    return next(w.text() for w in window.findChildren(QLabel)
                if w.isVisible() and w.objectName() in ("heading", "title"))


def type_into_first_box(qtbot, window, text: str) -> None:
    box = next(w for w in window.findChildren(QLineEdit) if w.isVisible())
    qtbot.keyClicks(box, text)
