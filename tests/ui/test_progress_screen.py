"""'Check the progress of an application' by touch, on a kiosk sending to a real central service
on loopback (its progress route as `progress_central` gives it): the citizen types the reference
on the on-screen keyboard and sees the council's state and note; offline, the last state the
kiosk knew with when it checked; a wrong check character asks them to check the reference."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from kiosk import i18n
from kiosk.store.codes import new_reference
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config

from .helper_steps import helpers_ready, tap, unlock
from .helpers import everything_shown_or_kept, visible_texts
from .keyboard_taps import tap_keys

NOTE = "Send us a photo of the pothole, at the Town Hall or by post."


def issued(window, qtbot) -> str:
    """A visit sent from this kiosk earlier today, delivered to the central service."""
    reference = window.store.outbox.submit(fake_submission(1), "central")
    window.sync.nudge()
    qtbot.waitUntil(lambda: window.store.outbox.receipt(reference).state == "delivered",
                    timeout=15_000)
    return reference


def open_progress(driver, language="en") -> None:
    driver._tap_tile(language, progress=True)


def type_on_keyboard(qtbot, window, reference: str) -> None:
    tap_keys(qtbot, window, *[c for c in reference if c != "-"])
    tap_keys(qtbot, window, "key_enter")


def shown_state(window) -> str:
    found = [w.text() for w in window.progress_screen.findChildren(QLabel)
             if w.isVisible() and w.property("progressState")]
    return found[0] if found else ""


def freshness_shown(window) -> str:
    found = [w.text() for w in window.progress_screen.findChildren(QLabel)
             if w.isVisible() and w.property("freshness")]
    return found[0] if found else ""


def test_the_citizen_types_their_reference_and_sees_the_councils_note(
        kiosk, progress_central, tmp_path, qtbot):
    window, driver = kiosk(kiosk_config(tmp_path, progress_central.central,
                                        url=progress_central.url))
    window.progress_screen = window.others.progress.screen
    qtbot.waitUntil(lambda: window.sync.view is not None, timeout=10_000)
    reference = issued(window, qtbot)
    progress_central.review(reference, "needs_information", NOTE)

    open_progress(driver)
    assert window.stack.currentWidget() is window.progress_screen
    assert window.keyboard.isVisible()
    type_on_keyboard(qtbot, window, reference.lower())
    qtbot.waitUntil(lambda: shown_state(window) == "We need more information from you",
                    timeout=10_000)
    texts = visible_texts(window)
    assert f"\u2068{NOTE}\u2069" in texts and "Note from the council:" in texts
    assert f"Reference number: {reference}" in texts
    assert any(t.startswith("Last changed on ") for t in texts)
    assert not any(t.startswith("This kiosk cannot check now") for t in texts)  # it asked
    spoken = window.voice.spoken_text()
    assert spoken.startswith("We need more information from you.") and NOTE.rstrip(".") in spoken

    # The link goes down: the kiosk still knows what it heard, and says when it heard it.
    progress_central.stop()
    driver.tap_named("back", checkAnother=True)
    type_on_keyboard(qtbot, window, reference)
    qtbot.waitUntil(lambda: freshness_shown(window) != "", timeout=15_000)
    freshness = freshness_shown(window)
    assert freshness.startswith("This kiosk cannot check now. This is what it knew when it "
                                "last checked, on ")
    assert shown_state(window) == "We need more information from you"
    assert f"\u2068{NOTE}\u2069" in visible_texts(window)

    # A reference the kiosk never saw, offline: it cannot check now, and says where else to look.
    driver.tap_named("back", checkAnother=True)
    type_on_keyboard(qtbot, window, new_reference("TOWN2"))
    qtbot.waitUntil(lambda: shown_state(window) == "This kiosk cannot check now", timeout=15_000)
    assert "Try again later, or use the QR code on your receipt to check on your phone." \
        in visible_texts(window)

    # The wipe: nothing of this person's answer stays for the next one.
    window.flow.end_visit()
    assert not [t for t in everything_shown_or_kept(window) if NOTE in t or reference in t]
    assert window.progress_screen.view is None


def test_a_wrong_check_character_asks_to_check_the_reference(
        kiosk, progress_central, tmp_path, qtbot):
    window, driver = kiosk(kiosk_config(tmp_path, progress_central.central,
                                        url=progress_central.url))
    qtbot.waitUntil(lambda: window.sync.view is not None, timeout=10_000)
    screen = window.others.progress.screen
    reference = new_reference("HALL7")
    wrong = reference[:-1] + ("A" if reference[-1] != "A" else "B")
    asked_before = len(progress_central.asked)
    open_progress(driver, "ar")
    type_on_keyboard(qtbot, window, wrong)
    problem = [w.text() for w in screen.findChildren(QLabel)
               if w.isVisible() and w.property("progressProblem")]
    assert problem == [i18n.text("ar", "progress.typo")]
    assert window.findChild(type(screen.box), "progressReference").text() == wrong.replace("-", "")  # kept
    assert len(progress_central.asked) == asked_before  # never asked about


def test_without_a_central_service_the_tile_is_not_offered(window, driver):
    driver._tap_tile("en", form_id="report_problem")  # to the service list and into a form
    window.show_screen(window.services)
    assert not [t for t in window.services.tiles if t.property("progress")]
    assert "Check the progress of an application" not in visible_texts(window)


def test_a_helper_beside_the_citizen_types_the_reference_for_them(
        kiosk, progress_central, tmp_path, qtbot):
    window, driver = kiosk(kiosk_config(tmp_path, progress_central.central,
                                        url=progress_central.url))
    window.progress_screen = window.others.progress.screen
    qtbot.waitUntil(lambda: window.sync.view is not None, timeout=10_000)
    reference = issued(window, qtbot)
    progress_central.review(reference, "approved", "Your parking permit is in the post.")
    helpers_ready(window, window.store)
    open_progress(driver)
    unlock(qtbot, window)  # the helper signs in over the citizen's screen
    tap(qtbot, window, "helperBack")  # and goes back to it, still signed in
    assert window.helper.unlocked and window.stack.currentWidget() is window.progress_screen
    driver.tap(window.progress_screen.box)  # the keyboard went with the panel: a tap brings it
    qtbot.waitUntil(window.keyboard.isVisible)
    type_on_keyboard(qtbot, window, reference)
    qtbot.waitUntil(lambda: shown_state(window) == "Your application has been approved",
                    timeout=10_000)
    assert "\u2068Your parking permit is in the post.\u2069" in visible_texts(window)
