"""Read-aloud for a visit: the header's speaker and volume buttons, what a screen says, and the
engine's answers. The engine runs in a process of its own (ui/speech.py): nothing here waits
for it. The volume rule is the visit's (kiosk/visit.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk import i18n

if TYPE_CHECKING:
    from kiosk.visit import VolumeLevel

    from .host import Host
    from .speech import Speaker


class ReadAloud(QObject):
    def __init__(self, host: Host):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self._speaker: Speaker | None = None  # made at the first press (or by the app, at start)

    @property
    def speaker(self) -> Speaker | None:
        return self._speaker

    @speaker.setter
    def speaker(self, speaker: Speaker | None) -> None:
        """The engine answers later, from its own process: never wait for it here."""
        if self._speaker is not None:
            self._speaker.close()
        self._speaker = speaker
        if speaker is not None:
            speaker.reading.connect(self._reading)  # methods, not lambdas: no cycle to leak
            speaker.unavailable.connect(self._unavailable)

    def volume(self) -> int:
        return self.host.flow.visit.volume(self.host.settings)

    def read_aloud(self) -> None:
        """Speak what the screen shows, in the visit's language; or say why it cannot."""
        if self._speaker is None:
            from .speech import Speaker

            self.speaker = Speaker()
        assert self._speaker is not None
        self.host.flow.visit.listening = True
        if self._speaker.say(self.spoken_text(), self.host.language, self.volume()):
            self.host.header.show_reading(True, self.host.language)  # at once, before the engine
        else:
            self._unavailable()

    def say_if_listening(self, text: str) -> None:
        """A warning or question laid over the screen covers the speaker button: someone who
        has been listening hears it at once."""
        speaker = self._speaker
        if self.host.flow.visit.listening and speaker is not None and speaker.available:
            speaker.say(text, self.host.language, self.volume())

    def _reading(self, on: bool) -> None:
        self.host.header.show_reading(on, self.host.language)

    def _unavailable(self) -> None:
        self.host.header.show_reading(False, self.host.language)
        if self.host.flow.visit.listening:  # someone pressed the speaker this visit: tell them
            self.host.header.flash(i18n.text(self.host.language, "ui.read_aloud_unavailable"))

    def set_volume_level(self, level: VolumeLevel) -> None:
        host = self.host
        host.flow.visit.volume_level = level
        host.header.show_volume(level, host.language)
        if self._speaker is not None and self._speaker.say(
                self.spoken_text(), host.language, self.volume()):
            host.header.show_reading(True, host.language)
        host.header.flash(host.header.volume.accessibleName())  # "Volume: loud", in words

    def spoken_text(self) -> str:
        screen = self.host.stack.currentWidget()
        if screen is None:
            return ""
        own = getattr(screen, "spoken_text", None)  # a page of a form or of information
        if own is not None and self.host.ready and (said := own()) is not None:
            return str(said)
        # Any other screen: its words and its buttons' names, in reading order.
        found = []
        for widget in screen.findChildren(QLabel) + screen.findChildren(QPushButton):
            if not widget.isVisible():
                continue
            text = widget.text() if isinstance(widget, QLabel) else widget.accessibleName()
            if text.strip():
                at = widget.mapTo(screen, widget.rect().topLeft())
                found.append((at.y(), at.x(), text.strip()))
        words = [text for _, _, text in sorted(found)]
        return " ".join(dict.fromkeys(words))  # a label and its tile's name said once

    def end_visit(self) -> None:
        """The wipe: nothing of this person's page is still being read, and the buttons are
        back as the next person finds them."""
        if self._speaker is not None:
            self._speaker.end_visit()
        language = self.host.settings.default_language
        self.host.header.show_reading(False, language)
        self.host.header.show_volume("normal", language)

    def close(self) -> None:
        if self._speaker is not None:
            self._speaker.close()  # its process: killed, never waited for long
