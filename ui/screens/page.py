"""Draws whatever page the session is on: a question, a page of questions, a repeat's
summary or check-your-answers. It only renders the PageView and passes actions on."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk import i18n
from kiosk.forms.pages import PageView, QuestionView
from kiosk.forms.session import Session

from ..inputs import QuestionInput, make_input
from .button_row import ButtonRow
from .common import Screen, button, label, on_reading_side, scrolling_above
from .language_menu import language_control
from .top_line import StartAgainButton, add_top_line, first_answer_stop


class PageScreen(Screen):
    finished = Signal()  # the citizen pressed Send on check-your-answers
    left = Signal()  # Back from the first page
    advanced = Signal()  # Continue accepted a page
    wants_keyboard = Signal(object)  # the box to type into, or None: no keyboard on this page
    save_requested = Signal()  # "Save and finish later"

    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None
        self.inputs: dict[str, QuestionInput] = {}
        self.content: QWidget | None = None
        self.busy_message: str | None = None
        # (session, page) -> widgets a service adds (ui/other_services.py)
        self.extras: Callable[[Session, PageView], list[QWidget]] | None = None
        self.extra_widgets: list[QWidget] = []

    def start(self, session: Session) -> None:
        self.session = session
        self.show_page(session.page())

    def _live_session(self) -> Session:
        """The visit's session: the page's controls exist only while there is one."""
        if self.session is None:
            raise RuntimeError("the page screen has no visit")
        return self.session

    def show_page(self, page: PageView) -> None:
        session = self._live_session()
        language = session.language
        content = QWidget()
        layout = QVBoxLayout(content)
        self.inputs = {}
        if page.number:
            layout.addWidget(label(i18n.text(language, "ui.question_of", number=page.number,
                                              total=page.total), "caption"))
        if page.problems:
            layout.addWidget(self._error_summary(page, language))
        add_top_line(layout, *language_control(session.form, language),
                     StartAgainButton(language))  # before the page's controls: Tab's order
        layout.addWidget(label(page.title, "heading"))
        if page.hint:
            layout.addWidget(label(page.hint, "hint"))
        if page.kind == "check":
            self._check_rows(page, layout, language)
        elif page.kind == "summary":
            self._summary(page, layout, language)
        else:
            self._questions(page, layout, language)
        self.extra_widgets = list(self.extras(session, page)) if self.extras else []
        for extra in self.extra_widgets:
            layout.addWidget(extra)
        layout.addStretch(1)
        pinned = ([self._declaration(page.declaration, language)]
                  if page.declaration is not None else [])
        self.set_body(scrolling_above(content, *pinned, self._actions(page, language)))
        self.content = content
        self._offer_keyboard(page.focus)
        if self.busy_message:  # redrawn while saving (a new text size): still saving
            self.set_busy(self.busy_message)

    def _offer_keyboard(self, focus: str = "") -> None:
        """The first box on the page gets the focus, so its keyboard is there without a tap;
        or the box of the question the session names (the one changed, or wrong)."""
        named = self.inputs.get(focus)
        inputs = [named] if named is not None else list(self.inputs.values())
        boxes = [w for widget in inputs
                 for w in widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit)]
        self.wants_keyboard.emit(boxes[0] if boxes else None)

    def focus_start(self):
        """Where the focus goes when keys are in use: the page's first control, or Continue
        on a page with nothing to answer (a note)."""
        if self.content is None:
            return None
        return first_answer_stop(self.content) or next(
            (b for b in self.findChildren(QPushButton) if b.objectName() == "primary"
             and b.isVisible()), None)

    def spoken_text(self) -> str | None:
        """What read-aloud says: the page (kiosk.forms.spoken), then what a service added."""
        from kiosk.forms.spoken import spoken_page

        if self.session is None:
            return None
        # The options as tapped on screen, though not yet taken by Continue.
        entries = {name: widget.entry() for name, widget in self.inputs.items()}
        parts = [spoken_page(self.session.page(), self.session.language, entries)]
        parts += [extra.spoken() for extra in self.extra_widgets if hasattr(extra, "spoken")]
        return " ".join(part for part in parts if part)

    def wipe(self) -> None:
        """Forget the visit: its session and every widget that showed its answers."""
        self.session = None
        self.extra_widgets = []
        self.inputs = {}
        self.content = None
        self.busy_message = None
        self.set_body(None)
        self.wants_keyboard.emit(None)

    def _error_summary(self, page: PageView, language: str) -> QFrame:
        frame = QFrame()
        frame.setObjectName("errorSummary")
        box = QVBoxLayout(frame)
        box.addWidget(label(i18n.text(language, "ui.there_is_a_problem"), "heading"))
        for problem in page.problems:
            box.addWidget(label(problem.message, "error"))
        return frame

    def _questions(self, page: PageView, layout: QVBoxLayout, language: str) -> None:
        single = len(page.questions) == 1 and page.kind == "question"
        for question in page.questions:
            if not single:
                text = question.label
                if not question.required and not question.read_only and question.type != "note":
                    text += " " + i18n.text(language, "ui.optional")
                layout.addWidget(label(text))
            elif not question.required and not question.read_only and question.type != "note":
                layout.addWidget(label(i18n.text(language, "ui.optional"), "hint"))
            if question.hint:
                layout.addWidget(label(question.hint, "hint"))
            if question.error:
                layout.addWidget(label(question.error, "error"))
            widget = make_input(question, language)
            for box in widget.findChildren(QLineEdit):  # Enter in a box is Continue
                box.returnPressed.connect(self.press_continue)
            self.inputs[question.name] = widget
            layout.addWidget(widget)

    def _summary(self, page: PageView, layout: QVBoxLayout, language: str) -> None:
        if not page.items:
            layout.addWidget(label(i18n.text(language, "ui.none_added")))
        for item in page.items:
            row = QHBoxLayout()
            row.addWidget(on_reading_side(label(" · ".join([item.title, *item.details])),
                                          language), 1)
            row.addWidget(button(i18n.text(language, "ui.change"),
                                 on_click=lambda _=False, i=item.index:
                                 self.show_page(self._live_session().edit_item(i))))
            row.addWidget(button(i18n.text(language, "ui.remove"),
                                 on_click=lambda _=False, i=item.index:
                                 self.show_page(self._live_session().remove_item(i))))
            layout.addLayout(row)
        layout.addWidget(button(i18n.text(language, "ui.add_another"), "add_another",
                                lambda: self.show_page(self._live_session().add_item())))

    def _check_rows(self, page: PageView, layout: QVBoxLayout, language: str) -> None:
        layout.setSpacing(14)
        section = ""
        for row in page.rows:
            if row.section and row.section != section:
                section = row.section
                layout.addWidget(label(section, "heading"))
            line = QHBoxLayout()
            texts = QVBoxLayout()
            texts.addWidget(on_reading_side(label(row.label, "caption"), language))
            texts.addWidget(on_reading_side(label(row.answer), language))
            line.addLayout(texts, 1)
            if row.changeable:
                change = button(i18n.text(language, "ui.change"),
                                on_click=lambda _=False, k=row.key, n=row.name:
                                self.show_page(self._live_session().change(k, n)))
                change.setAccessibleName(f"{i18n.text(language, 'ui.change')} {row.label}")
                line.addWidget(change)
            layout.addLayout(line)

    @staticmethod
    def _declaration(agreed: QuestionView, language: str) -> QFrame:
        """What Send agrees to, just above it and never scrolled away from it."""
        declaration = QFrame()
        declaration.setObjectName("declaration")
        words = QVBoxLayout(declaration)
        words.setContentsMargins(9, 8, 9, 0)  # in line with the words above it
        words.addWidget(on_reading_side(label(agreed.label, "heading"), language))
        if agreed.hint:
            words.addWidget(on_reading_side(label(agreed.hint), language))
        return declaration

    def _actions(self, page: PageView, language: str) -> ButtonRow:
        buttons = [button(i18n.text(language, "ui.back"), "back", self._back)]
        if page.kind == "check":
            form = self._live_session().form
            settings = form.definition.settings
            words = form.text(settings.submit_label, language) or i18n.text(language, "ui.send")
            if page.declaration is not None:  # "I agree – send application"
                words = i18n.text(language, "ui.agree_and_send", send=words[:1].lower() + words[1:])
            buttons.append(button(words, "primary", self.finished.emit))
        else:
            buttons.append(button(i18n.text(language, "ui.save_later"), "save_later",
                                  self.save_requested.emit))
            buttons.append(button(i18n.text(language, "ui.continue"), "primary", self._continue))
        return ButtonRow(buttons, lead=1)

    def press_continue(self) -> None:
        """The keyboard's Done key: Continue, as if the button were pressed."""
        if self.session is not None and self.session.key.kind in ("question", "group"):
            self._continue()

    def set_busy(self, message: str | None) -> None:
        """While the answers are being saved: say so, and take no second press."""
        self.busy_message = message
        if self.body is None:
            return
        for child in self.body.findChildren(QPushButton):
            child.setEnabled(message is None)
        if message:
            self.show_problem(message, name="caption")

    def _continue(self) -> None:
        session = self._live_session()
        for name, widget in self.inputs.items():
            question = widget.question
            if question.type != "note" and not question.read_only:
                session.answer(name, widget.entry())
        before = session.key
        page = session.continue_()
        self.show_page(page)
        if page.key != before:
            self.advanced.emit()

    def show_problem(self, message: str, name: str = "error") -> None:
        """A problem that is not the citizen's (the disk is full): said plainly, on top."""
        column = self.content.layout() if self.content is not None else None
        if self.body is not None and isinstance(column, QBoxLayout):
            column.insertWidget(0, label(message, name))

    def _back(self) -> None:
        session = self._live_session()
        if not session.page().can_go_back:
            self.left.emit()
            return
        self.show_page(session.back())
