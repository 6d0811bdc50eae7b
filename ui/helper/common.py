"""Small pieces the helper pages share."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..screens.common import Screen, scrolling


def local_time(stamp: str | None) -> str:
    """A stored UTC time as the kiosk's local time."""
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


class HelperPage(Screen):
    """A page of the helper panel; refresh() rebuilds it from fresh data."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.window = mode.window
        self.t = mode.text

    def refresh(self) -> None:
        """Build what the page shows now."""

    def column(self) -> tuple[QWidget, QVBoxLayout]:
        content = QWidget()
        return content, QVBoxLayout(content)

    def show_content(self, content: QWidget) -> None:
        self.set_body(scrolling(content))
