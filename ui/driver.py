"""Drives the real kiosk window the way a finger would: taps on tiles and buttons, typing in
boxes. Used by `kiosk self-test` (so it ships) and by the widget tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from .inputs import LineInput, PartsInput, SignaturePad, TilesInput

MAX_PAGES = 500


class DriveError(AssertionError):
    """The visit did not go as the answers said it should (a page refused them, say)."""


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let Qt run (signals from the task runner included) until `predicate` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise DriveError("the kiosk did not get there in time")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.002)


class Driver:
    def __init__(self, window, wait: Callable[[Callable[[], bool]], None] = wait_until):
        self.window, self.wait = window, wait

    # -- finding and touching ---------------------------------------------------------------
    def buttons(self) -> list[QPushButton]:
        return [b for b in self.window.findChildren(QPushButton) if b.isVisible() and b.isEnabled()]

    def tap(self, widget: QWidget) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    def tap_named(self, object_name: str, **properties: Any) -> None:
        for candidate in self.buttons():
            if candidate.objectName() == object_name and all(
                    candidate.property(k) == v for k, v in properties.items()):
                self.tap(candidate)
                return
        shown = [(b.objectName(), b.text()) for b in self.buttons()]
        raise DriveError(f"no {object_name} button {properties or ''} on screen; there are {shown}")

    def heading(self) -> str:
        return next((w.text() for w in self.window.findChildren(QLabel)
                     if w.isVisible() and w.objectName() in ("heading", "title")), "")

    # -- a visit -----------------------------------------------------------------------------
    def start(self, form_id: str, language: str = "en") -> None:
        self._tap_tile(language, form_id=form_id)

    def open_information(self, service_id: str, language: str = "en") -> None:
        """From the attract screen or the service list: an information service's first page."""
        self._tap_tile(language, information=service_id)

    def _tap_tile(self, language: str, **which) -> None:
        """From the attract screen or the service list, in `language`: the tile named."""
        if self.window.stack.currentWidget() is self.window.attract:
            self.tap_named("primary", language=language)
        elif language != self.window.language:
            self.tap_named(f"language_{language}")
        self.tap_named("tile", **which)

    def complete(self, answers: dict[str, Any]) -> str:
        """Answer every page from `answers`, send, and return the reference shown."""
        window = self.window
        for _ in range(MAX_PAGES):
            session = window.page.session
            if session is None:
                break
            page = session.page()
            if page.kind == "check":
                self.tap_named("primary")
                self.wait(lambda: window.stack.currentWidget() is window.done)
                return next(w.text() for w in window.findChildren(QLabel)
                            if w.isVisible() and w.objectName() == "reference")
            if page.kind == "summary":
                given = answers.get(page.key.name) or []
                self.tap_named("add_another" if len(page.items) < len(given) else "primary")
                continue
            self.fill_page(answers)
            self.tap_named("primary")
            after = window.page.session.page() if window.page.session else None
            if after is not None and after.key == page.key and after.problems:
                raise DriveError("; ".join(f"{p.name}: {p.message}" for p in after.problems))
        raise DriveError("the visit never reached check your answers")

    def fill_page(self, answers: dict[str, Any]) -> None:
        """Enter on the page on screen what `answers` holds for its questions."""
        session = self.window.page.session
        page = session.page()
        for name, widget in self.window.page.inputs.items():
            value = self._value_for(session, page, name, answers)
            if value is not None:
                self.enter(widget, value)

    @staticmethod
    def _value_for(session, page, name: str, answers: dict) -> Any:
        if page.key.item is None:
            return answers.get(name)
        repeat = session.form.fields[name].repeat.name
        items = answers.get(repeat) or []
        return items[page.key.item].get(name) if page.key.item < len(items) else None

    # -- one input --------------------------------------------------------------------------
    def enter(self, widget: QWidget, value: Any) -> None:
        if isinstance(widget, LineInput):
            box = widget.box
            self.tap(box)
            box.selectAll()
            QTest.keyClick(box, Qt.Key.Key_Backspace)
            QTest.keyClicks(box, str(value))
        elif isinstance(widget, PartsInput):
            for part, text in self.parts_of(widget, value).items():
                box = widget.boxes[part]
                self.tap(box)
                box.selectAll()
                QTest.keyClick(box, Qt.Key.Key_Backspace)
                QTest.keyClicks(box, text)
        elif isinstance(widget, TilesInput):
            wanted = value if isinstance(value, list) else [value]
            for tile, name in widget.names.items():
                should = (name in wanted) if widget.question.type != "acknowledge" else bool(value)
                if tile.isChecked() != should:
                    self.tap(tile)
        elif isinstance(widget, SignaturePad):
            self.draw(widget)

    @staticmethod
    def parts_of(widget: PartsInput, value: Any) -> dict[str, str]:
        """A date (YYYY-MM-DD) or time (HH:MM) as what goes in each of its boxes."""
        if "day" in widget.boxes:
            year, month, day = str(value).split("-")
            return {"day": day, "month": month, "year": year}
        hour, minute = str(value).split(":")[:2]
        return {"hour": hour, "minute": minute}

    def draw(self, pad: QWidget) -> None:
        """A short stroke with a finger (a mouse held down while it moves)."""
        points = [QPointF(20 + 15 * i, 40 + (i % 3) * 20) for i in range(10)]
        kinds = [QEvent.Type.MouseButtonPress] + [QEvent.Type.MouseMove] * 8 + [
            QEvent.Type.MouseButtonRelease]
        for kind, point in zip(kinds, points, strict=True):
            held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease \
                else Qt.MouseButton.LeftButton
            QApplication.sendEvent(pad, QMouseEvent(
                kind, point, pad.mapToGlobal(point), Qt.MouseButton.LeftButton, held,
                Qt.KeyboardModifier.NoModifier))
