"""An information service, one page at a time: the page's title as its heading, then its
headings, paragraphs, lists, contact details and pictures. Back and Next move between pages;
Print gives the whole service as a one-page handout. It only renders InfoPageView."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk import i18n
from kiosk.information import BlockView, InfoPageView, Information, spoken_information
from kiosk.information.service import contact_line

from ..style import text_scale
from .button_row import ButtonRow
from .common import Screen, button, label, scrolling_above
from .top_line import StartAgainButton, add_top_line

PICTURE_WIDTH = 560  # px at 100 %: a map stays readable beside the words, on a 1024 px screen


class InformationScreen(Screen):
    left = Signal()  # Back from the first page, or Done on the last
    print_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.service: Information | None = None
        self.language = "en"
        self.index = 0
        self.status: QLabel | None = None
        self.view: InfoPageView | None = None

    def open(self, service: Information, language: str) -> None:
        """The service's first page, drawn when the window shows this screen (enter)."""
        self.service, self.language, self.index = service, language, 0

    def enter(self) -> None:
        if self.service is not None:
            self._show_page(self.service)  # a new text size: sizes set in code follow

    def leave(self) -> None:
        """Off screen, it holds nothing: its wrapped buttons and words would otherwise still
        count towards the height the window's stack of screens needs."""
        self.status = None
        self.set_body(None)

    def _show_page(self, service: Information) -> None:
        self.view = page = service.page(self.index, self.language)
        language = self.language
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setSpacing(12)
        layout.addWidget(label(service.title(language), "caption"))
        add_top_line(layout, StartAgainButton(language))
        if page.total > 1:
            layout.addWidget(label(i18n.text(language, "info.page_of", number=page.number,
                                             total=page.total), "caption"))
        layout.addWidget(label(page.title, "heading"))
        for block in page.blocks:
            layout.addWidget(self._block(block))
        layout.addStretch(1)
        self.status = label("", "caption")
        self.status.setObjectName("printStatus")
        self.status.setContentsMargins(9, 4, 9, 4)  # in line with the page's words
        self.status.hide()
        self.set_body(scrolling_above(content, self.status, self._actions(page)))

    def _block(self, block: BlockView) -> QWidget:
        if block.kind == "heading":
            return label(block.text, "subheading")
        if block.kind in ("list", "numbered"):
            box = QWidget()
            lines = QVBoxLayout(box)
            lines.setContentsMargins(0, 0, 0, 0)
            for number, item in enumerate(block.items, start=1):
                mark = f"{number}." if block.kind == "numbered" else "•"
                lines.addWidget(label(f"{mark} {item}"))
            return box
        if block.kind == "contact" and block.contact is not None:
            card = QFrame()
            card.setObjectName("contact")
            lines = QVBoxLayout(card)
            lines.setContentsMargins(16, 12, 16, 12)
            lines.addWidget(label(block.contact.name, "contactName"))
            for what, value in block.contact.lines:
                lines.addWidget(label(contact_line(what, value, self.language)))
            return card
        if block.kind == "image":
            return self._picture(block)
        return label(block.text)

    def _picture(self, block: BlockView) -> QWidget:
        box = QWidget()
        lines = QVBoxLayout(box)
        lines.setContentsMargins(0, 0, 0, 0)
        picture = QLabel()
        pixmap = QPixmap(str(block.image)) if block.image is not None else QPixmap()
        if not pixmap.isNull():
            width = min(pixmap.width(), round(PICTURE_WIDTH * min(text_scale(), 1.5)))
            picture.setPixmap(pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))
        picture.setAccessibleName(block.text)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lines.addWidget(picture)
        lines.addWidget(label(block.text, "hint"))  # what the picture shows, for everyone
        return box

    def _actions(self, page: InfoPageView) -> ButtonRow:
        language = self.language
        buttons = [button(i18n.text(language, "ui.back"), "back", self._back),
                   button(i18n.text(language, "info.print"), "print", self.print_requested.emit)]
        if page.is_last:
            buttons.append(button(i18n.text(language, "info.done"), "primary", self.left.emit))
        else:
            buttons.append(button(i18n.text(language, "info.next"), "primary", self._next))
        return ButtonRow(buttons, lead=1)

    def _next(self) -> None:
        self.index += 1
        self._show_page(self._open_service())

    def _back(self) -> None:
        if self.index == 0:
            self.left.emit()
            return
        self.index -= 1
        self._show_page(self._open_service())

    def _open_service(self) -> Information:
        """The service on screen: its buttons exist only once one is open."""
        if self.service is None:
            raise RuntimeError("no information service is open")
        return self.service

    def show_print_status(self, key: str) -> None:
        """Printing, printed, or why not: said under the page, above the buttons."""
        if self.status is None:
            return
        self.status.setText(i18n.text(self.language, f"info.{key}"))
        self.status.show()
        printing = key == "printing"
        for choice in self.findChildren(QPushButton):
            if choice.objectName() == "print":
                choice.setEnabled(not printing)  # one handout at a time

    def spoken_text(self) -> str:
        return spoken_information(self.view, self.language) if self.view is not None else ""

    def wipe(self) -> None:
        self.service, self.view, self.status, self.index = None, None, None, 0
        self.set_body(None)
