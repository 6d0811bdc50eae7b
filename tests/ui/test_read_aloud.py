"""Read-aloud: the speaker button in the same place on every screen speaks the page in the
visit's language, at the visit's volume (reset for the next person); with no speech engine
the button says so instead of doing nothing."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from ui.speech import Speaker


def _tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_the_question_its_choices_and_errors_are_spoken_in_the_visits_language(
        window, driver, qtbot):
    window.voice.speaker = Speaker("mock")  # Qt's stand-in engine: speech is requested, not heard
    driver.start("report_problem", "ar")
    _tap(qtbot, window.header.speak)
    language, said = window.voice.speaker.requests[-1]
    assert language == "ar" and said.startswith("عمَّ تريد الإبلاغ؟")
    driver.tap_named("primary")  # nothing chosen: an error
    _tap(qtbot, window.header.speak)
    assert window.voice.speaker.requests[-1][1].startswith("هناك مشكلة.")


def test_other_screens_are_read_in_reading_order(window, qtbot):
    window.voice.speaker = Speaker("mock")
    window.flow.begin("en")  # the service list
    _tap(qtbot, window.header.speak)
    said = window.voice.speaker.requests[-1][1]
    assert said.index("What do you want to do?") < said.index("Report a problem")


def test_the_volume_is_the_citizens_for_one_visit(window, driver, qtbot):
    window.voice.speaker = Speaker("mock")
    window.settings = replace(window.settings, volume=60)  # what staff set
    driver.start("report_problem", "en")
    _tap(qtbot, window.header.volume)  # normal -> loud: and it says the page again, louder
    assert window.flow.visit.volume_level == "loud"
    qtbot.waitUntil(lambda: window.voice.speaker.volume == 90)  # as the engine confirms it
    assert window.header.notice.text() == "Volume: loud"  # said in words, not only drawn
    assert window.header.volume.accessibleName() == "Volume: loud"
    window.flow.end_visit()
    assert window.flow.visit.volume_level == "normal" and window.voice.speaker.requests == []


def test_with_no_speech_engine_the_button_says_so(window, qtbot):
    window.voice.speaker = Speaker("no-such-engine")  # as on a machine with no speech engine
    _tap(qtbot, window.header.speak)
    qtbot.waitUntil(lambda: not window.voice.speaker.available, timeout=30_000)  # its process says
    assert window.header.notice.isVisible()
    assert window.header.notice.text() == "Read-aloud is not available on this kiosk."
    assert not window.header.speak.isChecked()


def test_the_speaker_is_named_in_every_language(window):
    for language, name in (("en", "Read aloud"), ("fr", "Lire à voix haute"),
                           ("es", "Leer en voz alta"), ("ar", "القراءة بصوت عالٍ")):
        window.set_language(language)
        assert window.header.speak.accessibleName() == name


def test_someone_listening_hears_the_idle_warning(make_window, driver, qtbot):
    """The warning covers the speaker button: a citizen who uses read-aloud hears it said, or
    could not know the visit is about to be wiped. Someone who never used it is not spoken to."""
    from ui.driver import Driver

    window = make_window(idle_seconds=0.3, idle_warning_seconds=20)
    window.voice.speaker = Speaker("mock")
    walk = Driver(window, wait=lambda p: qtbot.waitUntil(p))
    window.flow.begin("fr")
    _tap(qtbot, window.header.speak)  # the service list, read aloud: this citizen listens
    walk.start("report_problem", "fr")
    qtbot.waitUntil(window.warning.isVisible, timeout=3000)
    language, said = window.voice.speaker.requests[-1]
    assert language == "fr" and said.startswith("Avez-vous besoin de plus de temps ?")
    assert "20 secondes" in said and "J’ai besoin de plus de temps." in said  # how to stay
    window.flow.end_visit()
    walk.start("report_problem", "en")  # the next person never presses the speaker
    qtbot.waitUntil(window.warning.isVisible, timeout=3000)
    assert window.voice.speaker.requests == []


def _ink(button) -> set[tuple[int, int]]:
    image = button.icon().pixmap(40, 40).toImage()
    return {(x, y) for x in range(image.width()) for y in range(image.height())
            if image.pixelColor(x, y).alpha() > 128}


def test_the_speaker_and_the_volume_cannot_be_taken_for_each_other(window, qtbot):
    speaker, normal = _ink(window.header.speak), _ink(window.header.volume)
    assert speaker and normal
    assert len(speaker & normal) < 0.5 * len(speaker | normal)  # different shapes, not one glyph
    _tap(qtbot, window.header.volume)
    assert window.flow.visit.volume_level == "loud"
    loud = _ink(window.header.volume)
    _tap(qtbot, window.header.volume)
    assert window.flow.visit.volume_level == "quiet"
    assert len(loud) > len(normal) > len(_ink(window.header.volume))  # the meter fills up


def test_the_speaker_shows_it_is_reading_until_it_has_finished(window, driver, qtbot):
    driver.start("report_problem", "en")
    _tap(qtbot, window.header.speak)
    assert window.header.speak.isChecked()  # pressed in at once
    assert window.header.notice.isVisible() and window.header.notice.text() == "Reading aloud…"
    qtbot.waitUntil(lambda: window.voice.speaker.speaking, timeout=30_000)
    qtbot.waitUntil(lambda: not window.voice.speaker.speaking, timeout=30_000)  # the page is read
    assert not window.header.speak.isChecked() and not window.header.notice.isVisible()
