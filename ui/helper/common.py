"""Small pieces the helper pages share."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..screens.common import Screen, label, scrolling


class HelperPage(Screen):
    """A page of the helper panel; refresh() rebuilds it from fresh data."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.host = mode.host
        self.t = mode.text
        self.generation = 0  # moves on at every rebuild: older results are dropped

    def refresh(self) -> None:
        """Build what the page shows now."""

    def run(self, work: Callable, *args, on_done: Callable, **kwargs) -> None:
        """Database work off the screen's thread. Its result is shown only if the page is
        still the one it was for: not after Lock, another page, or a newer search."""
        generation = self.generation

        def done(result) -> None:
            if (self.mode.helper is not None and self.isVisible()
                    and generation == self.generation):
                on_done(result)

        self.host.tasks.run("db", partial(work, *args, **kwargs), on_done=done,
                              on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        from kiosk.store import StoreError

        if not isinstance(error, StoreError):
            raise error
        if self.mode.helper is not None and self.isVisible():
            content, layout = self.column()  # a full disk, say: said, never a crash
            layout.addWidget(label(str(error), "notice"))
            layout.addStretch(1)
            self.show_content(content)

    def column(self) -> tuple[QWidget, QVBoxLayout]:
        content = QWidget()
        return content, QVBoxLayout(content)

    def show_content(self, content: QWidget) -> None:
        self.generation += 1
        self.set_body(scrolling(content))
