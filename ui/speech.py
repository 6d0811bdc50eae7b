"""Read-aloud through QtTextToSpeech: the system's speech engine (speech-dispatcher with
espeak-ng on Linux, SAPI on Windows), a voice for the visit's language where it has one.

Where there is no engine (or none that works), `available` is False and the kiosk's speaker
button says so instead of failing silently.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QObject

TEST_ENGINE = "mock"  # Qt's own stand-in: never chosen for a kiosk, used by the tests


class Speaker(QObject):
    def __init__(self, engine: str | None = None):
        super().__init__()
        self.tts = None
        self.requests: list[tuple[str, str]] = []  # (language, text) asked for: for the tests
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:  # the module or its system libraries are missing
            return
        engines = [engine] if engine else [name for name in QTextToSpeech.availableEngines()
                                           if name != TEST_ENGINE]
        if not engines:
            return
        tts = QTextToSpeech(engines[0], self)
        if tts.state() == QTextToSpeech.State.Error:
            tts.deleteLater()
            return
        self.tts = tts
        self.engine = engines[0]

    @property
    def available(self) -> bool:
        return self.tts is not None

    def can_speak(self, language: str) -> bool:
        """Whether the engine has a voice for this language (else it reads with another)."""
        return self.available and self._locale(language) is not None

    def _locale(self, language: str):
        wanted = QLocale(language).language()
        return next((locale for locale in self.tts.availableLocales()
                     if locale.language() == wanted), None)

    def say(self, text: str, language: str, volume: int) -> bool:
        """Speak `text` in `language` at `volume` (0 to 100). False when nothing can speak."""
        if not self.available or not text.strip():
            return False
        self.tts.stop()
        locale = self._locale(language)
        if locale is not None:
            self.tts.setLocale(locale)
        self.tts.setVolume(max(0, min(100, volume)) / 100)
        self.requests.append((language, text))
        del self.requests[:-5]  # only the latest: answers read aloud are not kept
        self.tts.say(text)
        return True

    def stop(self) -> None:
        if self.available:
            self.tts.stop()
        self.requests.clear()  # the wipe: nothing of the last person's page is kept
