"""The helper panel: laid over the screen area (the header and the keyboard stay usable),
with a page per job. The citizen's visit underneath is never touched by opening or closing it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget, QVBoxLayout

from ..screens.common import OneOf, button, label

PAGES = ("assist", "queue", "saved", "receipts", "audit", "settings")


class HelperPanel(QFrame):
    def __init__(self, mode):
        stack = mode.host.stack
        super().__init__(stack)
        from .audit_page import AuditPage
        from .pages import AssistPage, ReceiptsPage, SavedPage, SettingsPage
        from .queue_page import QueuePage

        self.mode = mode
        self.setObjectName("helperPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = label("", "heading")
        top.addWidget(self.title, 1)
        self.back = button("", "helperBack", mode.close_panel)
        top.addWidget(self.back)
        outer.addLayout(top)
        nav = QHBoxLayout()  # a row: the page below keeps its height when the keyboard is up
        self.nav = OneOf(self)
        self.pages = QStackedWidget()
        builders = {"assist": AssistPage, "queue": QueuePage, "saved": SavedPage,
                    "receipts": ReceiptsPage, "audit": AuditPage, "settings": SettingsPage}
        self.by_name = {}
        for name in PAGES:
            choice = button("", "helperNav", lambda _=False, n=name: self.show_page(n))
            choice.setCheckable(True)
            choice.setProperty("page", name)
            self.nav.addButton(choice)
            nav.addWidget(choice)
            page = builders[name](mode)
            self.by_name[name] = page
            self.pages.addWidget(page)
        outer.addLayout(nav)
        outer.addWidget(self.pages, 1)
        stack.installEventFilter(self)  # follow the screen area as the keyboard comes and goes
        self.hide()

    def eventFilter(self, watched, event) -> bool:
        parent = self.parentWidget()
        if event.type() == QEvent.Type.Resize and self.isVisible() and parent is not None:
            self.setGeometry(parent.rect())
        return False

    def open(self, page: str | None = None) -> None:
        t = self.mode.text
        self.title.setText(t("banner", name=self.mode.helper))
        visit = self.mode.host.visit_in_progress()
        self.back.setText(t("assist_return") if visit else t("lock"))
        self.back.setAccessibleName(self.back.text())
        self.back.clicked.disconnect()
        self.back.clicked.connect(self.mode.close_panel if visit
                                  else lambda: self.mode.lock("by hand"))
        for choice in self.nav.buttons():
            choice.setText(t(f"nav_{choice.property('page')}"))
            choice.setAccessibleName(choice.text())
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.show_page(page or ("assist" if visit else "queue"))

    def show_page(self, name: str) -> None:
        for choice in self.nav.buttons():
            choice.setChecked(choice.property("page") == name)
        page = self.by_name[name]
        self.pages.setCurrentWidget(page)
        self.mode.host.keyboard.hide()  # a page with a box to type in offers it again
        page.refresh()
