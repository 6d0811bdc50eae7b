"""A signature by touch: kept when its page is seen again, and started again with Clear (a slip
of the finger is not there for good; a change from check answers is a new signature)."""

from PySide6.QtCore import QPoint, Qt

from ui.inputs import SignaturePad

from .form_folder import one_form, open_window
from .helpers import click, click_tile_containing, heading, visible_texts


def test_revisiting_a_signature_page_keeps_the_signature(qtbot, store, tmp_path):
    folder = one_form(tmp_path, """\
        - {type: signature, name: signed, label: Sign here}
        - {type: text, name: remarks, label: Any remarks}
        """)
    window = open_window(qtbot, store, folder)
    click_tile_containing(qtbot, window, "Review form")
    pad = next(w for w in window.findChildren(SignaturePad) if w.isVisible())
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    click(qtbot, window, "Continue")
    click(qtbot, window, "Continue")
    assert heading(window) == "Check your answers before sending"
    assert "\u2713" in visible_texts(window)  # signed
    click(qtbot, window, "Change")  # the first row: the signature
    assert heading(window) == "Sign here"
    click(qtbot, window, "Continue")  # nothing changed on the page
    assert heading(window) == "Check your answers before sending"
    assert "\u2713" in visible_texts(window)


def test_a_signature_can_be_started_again(qtbot, store, tmp_path):
    """A slip of the finger is not there for good, and a signature changed from check your
    answers is a new one, not drawn over the old."""
    folder = one_form(tmp_path, """\
        - {type: signature, name: signed, label: Sign here, required: true}
        """)
    window = open_window(qtbot, store, folder)

    def pad():
        return next(w for w in window.findChildren(SignaturePad) if w.isVisible())

    def stroke(x: int) -> None:
        qtbot.mousePress(pad(), Qt.MouseButton.LeftButton, pos=QPoint(x, 20))
        qtbot.mouseMove(pad(), QPoint(x + 30, 60))
        qtbot.mouseRelease(pad(), Qt.MouseButton.LeftButton, pos=QPoint(x + 30, 60))

    click_tile_containing(qtbot, window, "Review form")
    stroke(20)
    click(qtbot, window, "Clear the signature")
    click(qtbot, window, "Continue")
    assert heading(window) == "There is a problem"  # nothing signed: the pad is empty
    stroke(40)
    click(qtbot, window, "Continue")
    assert heading(window) == "Check your answers before sending"
    click(qtbot, window, "Change")
    assert pad().entry().startswith("M40,20")  # the signature given, shown again
    click(qtbot, window, "Clear the signature")
    stroke(200)
    assert pad().entry().startswith("M200,20") and pad().entry().count("M") == 1
