"""'Check the progress of an application': one question (the reference number), then the
answer in plain words. It only shows what ui/progress_check.py gives it (a ProgressView)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.progress_check import ProgressView

from .button_row import ButtonRow
from .common import Screen, button, label, on_reading_side, scrolling_above
from .top_line import StartAgainButton, add_top_line


class ProgressScreen(Screen):
    reference_entered = Signal(str)
    left = Signal()  # back to the service list
    wants_keyboard = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.language = "en"
        self.box: QLineEdit | None = None
        self.check_button: QPushButton | None = None
        self.status: QLabel | None = None
        self.view: ProgressView | None = None  # the answer on screen, if any

    def enter(self) -> None:
        if self.view is not None:
            self.show_view(self.view, self.language)
        else:
            self.show_entry(self.language)

    def leave(self) -> None:
        """Off screen it holds nothing: the next person must not find this one's answer."""
        self.box = self.check_button = self.status = None
        self.view = None
        self.set_body(None)

    def _top(self, layout: QVBoxLayout, language: str) -> None:
        layout.addWidget(label(i18n.text(language, "progress.title"), "caption"))
        add_top_line(layout, StartAgainButton(language))

    # -- the question ---------------------------------------------------------------------------
    def show_entry(self, language: str, problem: str = "", typed: str = "") -> None:
        self.language, self.view = language, None
        content = QWidget()
        layout = QVBoxLayout(content)
        self._top(layout, language)
        if problem:
            shown = label(problem, "error")
            shown.setProperty("progressProblem", True)
            layout.addWidget(shown)
        layout.addWidget(label(i18n.text(language, "progress.enter"), "heading"))
        layout.addWidget(label(i18n.text(language, "progress.hint"), "hint"))
        self.box = QLineEdit(typed)
        self.box.setObjectName("progressReference")
        self.box.setAccessibleName(i18n.text(language, "progress.enter"))
        self.box.setProperty("keyboard", "code")
        self.box.setMaxLength(30)  # LIB01-K7QFM-2XD9H, typed with spaces or scanned
        self.box.returnPressed.connect(self._submit)
        layout.addWidget(self.box)
        self.status = label("", "caption")
        self.status.setObjectName("progressStatus")
        self.status.hide()
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.check_button = button(i18n.text(language, "progress.check"), "primary", self._submit)
        actions = ButtonRow([button(i18n.text(language, "ui.back"), "back", self.left.emit),
                             self.check_button], lead=1)
        self.set_body(scrolling_above(content, actions))
        self.wants_keyboard.emit(self.box)

    def show_checking(self) -> None:
        """Asked: the answer comes within the destination's deadline; no second tap meanwhile."""
        if self.status is not None and self.check_button is not None:
            self.status.setText(i18n.text(self.language, "progress.checking"))
            self.status.show()
            self.check_button.setEnabled(False)

    def _submit(self) -> None:
        if self.box is not None and (self.check_button is None or self.check_button.isEnabled()):
            self.reference_entered.emit(self.box.text())

    # -- the answer -----------------------------------------------------------------------------
    def show_view(self, view: ProgressView, language: str) -> None:
        self.language, self.view = language, view
        self.box = self.check_button = self.status = None
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setSpacing(12)
        self._top(layout, language)
        reference = on_reading_side(label(i18n.text(language, "progress.reference_line",
                                                    reference=view.reference), "caption"),
                                    language)
        layout.addWidget(reference)
        if view.freshness:
            fresh = label(view.freshness, "notice")  # offline: said first, in a box
            fresh.setProperty("freshness", True)
            layout.addWidget(fresh)
        heading = label(view.heading, "heading")
        heading.setProperty("progressState", view.state or view.situation)
        layout.addWidget(heading)
        if view.changed:
            layout.addWidget(label(view.changed))
        if view.note:
            box = QFrame()
            box.setObjectName("progressNote")
            lines = QVBoxLayout(box)
            lines.addWidget(label(view.note_label, "subheading"))
            # The council writes in its own language: isolated, it keeps its direction (and
            # its full stop at its end) inside an Arabic page, on the page's reading side.
            note = on_reading_side(label(f"\u2068{view.note}\u2069"), language)
            note.setProperty("note", True)
            lines.addWidget(note)
            layout.addWidget(box)
        layout.addWidget(label(view.next_step))
        layout.addStretch(1)
        again = button(i18n.text(language, "progress.check_another"), "back",
                       lambda: self.show_entry(language))
        again.setProperty("checkAnother", True)
        actions = ButtonRow([again, button(i18n.text(language, "info.done"), "primary",
                                           self.left.emit)], lead=1)
        self.set_body(scrolling_above(content, actions))

    def spoken_text(self) -> str | None:
        """The answer read in its order; the question screen is read as any other."""
        return self.view.spoken() if self.view is not None else None
