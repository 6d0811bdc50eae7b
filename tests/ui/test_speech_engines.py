"""Read-aloud with the engines a kiosk really meets: Debian's speech-dispatcher and espeak-ng
with no sound card (it reads one sentence, then stops answering), and an engine that never
answers at all. The kiosk stays usable, says read-aloud is not available, wipes on time and
stops when told to."""

from __future__ import annotations

import signal
import subprocess
import sys

from PySide6.QtCore import Qt

from tests.support.paths import ROOT
from ui import speech
from ui.speech import Speaker

from .helpers import visible_texts

CHOICE = "pothole"
NOT_AVAILABLE = "Read-aloud is not available on this kiosk."


def _tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _wait(qtbot, predicate) -> None:
    qtbot.waitUntil(predicate, timeout=30_000)


def test_a_hanging_engine_leaves_the_kiosk_usable_then_read_aloud_says_it_is_not_available(
        window, driver, qtbot, hanging_engine, monkeypatch):
    monkeypatch.setattr(speech, "MAKE_SECONDS", 2)  # sooner: it would hang for ever
    window.voice.speaker = Speaker()  # the system's engine, as a kiosk has it
    driver.start("report_problem", "en")
    _tap(qtbot, window.header.speak)  # returns: the tap itself never waits for the engine
    _wait(qtbot, lambda: hanging_engine.callers == 1)  # the engine is being made: it hangs
    assert window.header.speak.isChecked()  # the press is seen at once
    assert window.header.notice.text() == "Reading aloud…"
    _tap(qtbot, window.header.sizes.buttons()[2])  # meanwhile the kiosk still answers
    assert window.appearance.text_size == 200
    _wait(qtbot, lambda: window.header.notice.text() == NOT_AVAILABLE)
    assert window.header.notice.isVisible() and not window.header.speak.isChecked()
    _wait(qtbot, lambda: hanging_engine.closed == 1)  # the hung process was killed
    _tap(qtbot, window.header.speak)  # for the rest of the visit: said at once, not retried
    assert window.header.notice.text() == NOT_AVAILABLE
    assert hanging_engine.callers == 1


def test_the_idle_wipe_happens_while_the_engine_hangs(make_window, qtbot, hanging_engine,
                                                      monkeypatch):
    monkeypatch.setattr(speech, "MAKE_SECONDS", 600)  # the engine is still hung at the wipe
    from ui.driver import Driver

    window = make_window(idle_seconds=0.5, idle_warning_seconds=1)
    window.voice.speaker = Speaker()
    walk = Driver(window, wait=lambda p: _wait(qtbot, p))
    walk.start("report_problem", "en")
    walk.fill_page({"category": CHOICE})
    assert "What do you want to report?" in visible_texts(window)
    _tap(qtbot, window.header.speak)
    _wait(qtbot, lambda: hanging_engine.callers == 1)
    _wait(qtbot, lambda: window.stack.currentWidget() is window.attract)  # warned, then wiped
    assert hanging_engine.closed == 0 and window.voice.speaker.available  # it hangs there still
    assert "What do you want to report?" not in visible_texts(window)
    assert window.page.session is None
    assert not window.header.speak.isChecked() and window.voice.speaker.requests == []


def test_the_real_engine_reads_then_when_it_stops_answering_the_speaker_says_so(
        window, driver, qtbot, real_engine, monkeypatch):
    monkeypatch.setattr(speech, "MAKE_SECONDS", 30)  # a loaded test machine: not tested here
    window.voice.speaker = Speaker()
    driver.start("report_problem", "fr")
    _tap(qtbot, window.header.speak)
    _wait(qtbot, lambda: window.voice.speaker.speaking)  # speech-dispatcher took the page
    assert window.voice.speaker.engine == "speechd"
    assert {"en", "fr", "es", "ar"} <= window.voice.speaker.languages  # espeak-ng's voices
    assert window.header.speak.isChecked() and window.header.notice.text() == (
        "Lecture à voix haute…")
    # No sound card: the sentence never ends, and within a request or two more (the third in
    # all, as Debian 12 has it) the server answers nothing at all.
    _wait(qtbot, lambda: "Opening audio failed" in real_engine.log())
    for _ in range(5):  # louder, quieter...: the page again each time
        _tap(qtbot, window.header.volume)
        asked = window.voice.volume()
        _wait(qtbot, lambda a=asked: window.voice.speaker.volume == a or not window.voice.speaker.available)
        if not window.voice.speaker.available:
            break
    _wait(qtbot, lambda: window.header.notice.text() == (
        "La lecture à voix haute n’est pas disponible sur cette borne."))
    assert not window.voice.speaker.available and not window.header.speak.isChecked()
    window.flow.end_visit()  # the next visit tries a fresh engine
    assert window.voice.speaker.available


def test_a_kiosk_with_a_hanging_engine_stops_on_sigterm(tmp_path, hanging_engine):
    """systemd stops the kiosk with SIGTERM; it waits 5 s here, as a unit's stop timeout
    might, and the speech process is gone with it."""
    import os

    environment = {**os.environ, **hanging_engine.environment,
                   "KIOSK_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    environment.pop("KIOSK_CONFIG", None)
    kiosk = subprocess.Popen([sys.executable, "-m", "ui.cli", "run", "--windowed"], cwd=ROOT,
                             env=environment, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        _poll(lambda: hanging_engine.callers == 1 or kiosk.poll() is not None, 60)
        assert hanging_engine.callers == 1, "the kiosk never started its speech engine"
        kiosk.send_signal(signal.SIGTERM)
        _, errors = kiosk.communicate(timeout=5)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
    assert kiosk.returncode == 0, errors
    _poll(lambda: hanging_engine.closed == 1, 10)
    assert hanging_engine.closed == 1  # its speech process did not outlive it


def _poll(done, seconds: float) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_doctor_fails_an_engine_that_does_not_answer_and_says_what_to_do(
        hanging_engine, monkeypatch, qapp):
    from ui import doctor

    monkeypatch.setattr(speech, "MAKE_SECONDS", 2)
    row = doctor.check_speech(["en", "fr", "es", "ar"])
    assert row.status == "FAIL" and "does not answer" in row.found, row
    assert "speech-dispatcher" in row.advice
    _poll(lambda: hanging_engine.closed == 1, 10)
    assert hanging_engine.closed == 1  # and its speech process is gone


def test_doctor_fails_the_real_engine_with_no_sound_card(real_engine, qapp, monkeypatch):
    """Once "speech OK" throughout: speech-dispatcher takes the phrase, and never says it."""
    from ui import doctor

    monkeypatch.setattr(speech, "MAKE_SECONDS", 30)

    row = doctor.check_speech(["en", "fr", "es", "ar"])
    assert row.status == "FAIL" and "never" in row.found, row  # began, or finished
    assert "sound card" in row.advice


def test_a_bundle_runs_its_speech_process_through_its_own_kiosk_program(
        window, driver, qtbot, tmp_path, monkeypatch):
    """In the PyInstaller bundle sys.executable is `kiosk` itself (no `python -m` there): the
    speech process is `kiosk speech-worker`. Here `kiosk` is a stand-in for the bundle's
    program (build/kiosk_main.py runs the same ui.cli.main)."""
    kiosk = tmp_path / "kiosk"
    kiosk.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/asked"\n'
                     f'cd "{ROOT}" && exec "{sys.executable}" -m ui.cli "$@"\n')
    kiosk.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(kiosk))
    window.voice.speaker = Speaker("mock")
    driver.start("report_problem", "en")
    _tap(qtbot, window.header.speak)
    _wait(qtbot, lambda: window.voice.speaker.volume is not None)  # it answered
    assert window.voice.speaker.engine == "mock" and window.voice.speaker.available
    assert (tmp_path / "asked").read_text() == "speech-worker mock\n"
