"""`kiosk doctor`'s speech row: it says one short phrase through the kiosk's own speech
process, with the kiosk's time limits, and waits for the engine to finish saying it. An engine
that does not answer, or that takes the phrase and never finishes it (no working sound card),
is a FAIL with what to do: read-aloud would tell citizens it is not available."""

from __future__ import annotations

import os
import time

from kiosk.doctor import FAIL, OK, WARN, Row

from . import speech

PHRASE = "Speech check."  # in English: IT staff hear it
SAYING_SECONDS = 8.0  # the phrase lasts about a second; with no sound card it never ends
RESTART = ("stop speech-dispatcher for the kiosk's account (it starts again when asked), "
           "then run `kiosk doctor` again")
SOUND = ("check the kiosk has a working sound card and speakers (`aplay -l` lists them) and "
         "that its account may use them; then restart speech-dispatcher for that account")


def check_speech(languages: list[str]) -> Row:
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError as error:
        return Row("speech", WARN, f"no text-to-speech in Qt ({error})",
                   "install the system libraries (libspeechd2, libpulse0)")
    wanted = os.environ.get("KIOSK_SPEECH_ENGINE", "")
    engines = [wanted] if wanted else [name for name in QTextToSpeech.availableEngines()
                                       if name != speech.TEST_ENGINE]
    if not engines:
        return Row("speech", WARN, "no speech engine: read-aloud says it is not available",
                   "install speech-dispatcher and espeak-ng (Windows: SAPI voices)")
    speaker = speech.Speaker(engines[0])
    try:
        return _speak(speaker, engines[0], languages)
    finally:
        speaker.close()


def _speak(speaker: speech.Speaker, engine: str, languages: list[str]) -> Row:
    began = time.monotonic()
    speaker.say(PHRASE, "en", 50)  # the engine is made, then asked: each with its time limit
    if not speaker.wait(lambda: speaker.speaking or not speaker.available,
                        speech.LAUNCH_SECONDS + speech.MAKE_SECONDS + speech.CALL_SECONDS):
        return Row("speech", FAIL, f"the speech engine {engine} took the test phrase but "
                                   "never began to say it", SOUND)
    if speaker.hung:
        return Row("speech", FAIL, f"the speech engine {engine} does not answer: read-aloud "
                                   "tells citizens it is not available", RESTART)
    if not speaker.available:
        return Row("speech", WARN, f"the speech engine {engine} does not start "
                                   f"({speaker.why}): read-aloud says it is not available",
                   "start speech-dispatcher for the kiosk's account, and check the sound card")
    if not speaker.wait(lambda: not speaker.speaking or not speaker.available, SAYING_SECONDS):
        return Row("speech", FAIL, f"the speech engine {engine} never finished saying a short "
                                   "test phrase: no sound comes out", SOUND)
    if not speaker.available:
        return Row("speech", FAIL, f"the speech engine {engine} stopped answering while "
                                   "speaking", RESTART)
    found = (f"{speaker.engine}: said a test phrase in {time.monotonic() - began:.1f} s; "
             "voices for ")
    voiceless = [language for language in languages if not speaker.can_speak(language)]
    found += ", ".join(language for language in languages if language not in voiceless) or "none"
    if voiceless:
        return Row("speech", WARN, f"{found}; none for {', '.join(voiceless)}",
                   "install a voice for those languages (espeak-ng has them all)")
    return Row("speech", OK, found)
