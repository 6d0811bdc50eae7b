"""Checking the progress of an application, without Qt: what the citizen typed, what the kiosk
keeps of the council's answers (and for how long), and the words the screen shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk import i18n
from kiosk.progress_check import progress_view, read_answer, read_typed
from kiosk.store import Store
from kiosk.store.codes import new_reference
from kiosk.store.progress_states import KnownProgress

from .store_helpers import fake_submission

START = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    with Store(tmp_path / "kiosk.db", site_id="LIB01", clock=clock,
               delivered_retention_days=7) as store:
        yield store


def delivered(store, count=1) -> list[str]:
    references = []
    for number in range(count):
        submission = fake_submission(number)
        reference = store.outbox.submit(submission, "central")
        store.outbox.mark_delivered(submission["instance_id"], {"receipt_id": f"r{number}"})
        references.append(reference)
    return references


def heard(reference, state="needs_information", note="Send us a photo of the pothole.",
          at=START) -> KnownProgress:
    return KnownProgress(reference, state, (at - timedelta(days=1)).isoformat(), note, at.isoformat())


# -- reading what was typed --------------------------------------------------------------------
def test_a_reference_is_read_however_it_was_typed():
    reference = new_reference("LIB01")
    typed = reference.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    read = read_typed("  " + typed + " ")
    assert read.problem is None
    # The site part is taken as it is typed (a site may be called LIB or OLD)
    assert read_typed(reference.lower()).reference == reference
    assert read_typed(reference.replace("-", "")).reference == reference


def test_one_wrong_character_asks_to_check_the_reference_not_that_it_is_unknown():
    reference = new_reference("LIB01")
    last = reference[-1]
    wrong = reference[:-1] + ("A" if last != "A" else "B")
    read = read_typed(wrong)
    assert read.reference is None and read.problem == "typo"
    assert read.problem_text("en") == "Check the reference number: one of its characters is not right"
    assert read.problem_text("ar") == i18n.text("ar", "progress.typo") != read.problem_text("en")


@pytest.mark.parametrize("typed, problem", [("", "empty"), ("   ", "empty"),
                                            ("hello", "not_a_reference"),
                                            ("K7QFM-2XD9H", "not_a_reference")])
def test_what_is_not_a_reference_says_what_to_type(typed, problem):
    assert read_typed(typed).problem == problem


# -- what the kiosk keeps ----------------------------------------------------------------------
def test_only_this_kiosks_delivered_undecided_applications_are_polled(store):
    first, second, third = delivered(store, 3)
    store.outbox.submit(fake_submission(9), "central")  # not delivered yet: central cannot know it
    assert store.progress.to_poll("central", START) == [first, second, third]
    assert store.progress.keep([heard(first, "approved"), heard(second)], START) == 2
    assert store.progress.to_poll("central", START) == [second, third]  # approved: decided
    assert store.progress.to_poll("elsewhere", START) == []


def test_a_reference_from_another_kiosk_is_shown_but_never_kept(store):
    elsewhere = new_reference("TOWN2")
    assert store.progress.keep([heard(elsewhere)], START) == 0
    assert store.progress.last_known(elsewhere) is None
    assert not store.progress.issued_here(elsewhere)


def test_the_last_state_heard_is_kept_and_replaced_by_newer_news(store):
    [reference] = delivered(store)
    store.progress.keep([heard(reference, "received", None)], START)
    later = START + timedelta(hours=3)
    store.progress.keep([heard(reference, at=later)], later)
    known = store.progress.last_known(reference)
    assert (known.state, known.note, known.checked_at) == (
        "needs_information", "Send us a photo of the pothole.", later.isoformat())


def test_states_and_notes_go_at_the_end_of_retention(store, clock):
    [reference] = delivered(store)
    store.progress.keep([heard(reference)], START)
    clock.now = START + timedelta(days=6)
    assert store.purge()["progress_states"] == 0
    assert store.progress.to_poll("central", clock.now) == [reference]
    clock.now = START + timedelta(days=7, minutes=1)
    assert store.progress.to_poll("central", clock.now) == []  # too old to ask about
    assert store.purge()["progress_states"] == 1
    assert store.progress.last_known(reference) is None
    # The note is gone from the file's bytes too (secure_delete, the WAL checkpointed).
    store.close()
    for suffix in ("", "-wal"):
        path = store.path.with_name(store.path.name + suffix)
        if path.exists():
            assert b"photo of the pothole" not in path.read_bytes()


def test_a_state_for_a_submission_no_longer_on_the_kiosk_is_forgotten(store):
    [reference] = delivered(store)
    store.progress.keep([heard(reference)], START)
    with store._db.writing() as conn:  # as a salvage into a fresh database would leave it
        conn.execute("DELETE FROM outbox")
        conn.execute("DELETE FROM submissions")
    assert store.purge()["progress_states"] == 1


# -- the service's answer ----------------------------------------------------------------------
def test_only_sensible_answers_about_what_was_asked_are_believed():
    asked = new_reference("LIB01")
    answer = {"progress": [
        {"reference": asked, "state": "in_review", "changed_at": "2026-12-02T09:30:00+00:00",
         "note": "  We are checking the\x07 address.\n  "},
        {"reference": new_reference("LIB01"), "state": "approved",  # not asked: ignored
         "changed_at": "2026-12-02T09:30:00+00:00", "note": None},
        {"reference": asked, "state": "lost", "changed_at": "2026-12-02T09:30:00+00:00"},
        {"reference": asked, "state": "approved", "changed_at": "yesterday"},
        {"reference": asked, "state": "approved", "changed_at": "2026-12-02T09:30:00"},  # no offset
        "junk"]}
    [found] = read_answer(answer, {asked}, START.isoformat())
    assert (found.state, found.note) == ("in_review", "We are checking the address.")
    with pytest.raises(ValueError):
        read_answer("<html>Sign in to the wifi</html>", {asked}, START.isoformat())


# -- the words on the screen -------------------------------------------------------------------
def test_each_state_is_said_in_plain_words_with_what_to_do_next():
    reference = new_reference("LIB01")
    for state in ("received", "in_review", "needs_information", "approved", "rejected"):
        for language in ("en", "fr", "es", "ar"):
            view = progress_view(reference, heard(reference, state), True, None, language)
            assert view.heading == i18n.text(language, f"progress.states.{state}.heading")
            assert view.next_step and view.freshness == ""
    view = progress_view(reference, heard(reference), True, None, "en")
    assert view.lines() == ["We need more information from you", "Last changed on 2 December 2026",
                            "Note from the council:", "Send us a photo of the pothole.",
                            "Read the note from the council and do what it asks. We cannot go "
                            "on with your application until then."]


def test_offline_the_last_state_known_is_shown_with_when_it_was_checked():
    reference = new_reference("LIB01")
    view = progress_view(reference, None, False, heard(reference, "received", None), "en")
    checked = START.astimezone()
    assert view.situation == "last_known"
    assert view.freshness == (
        "This kiosk cannot check now. This is what it knew when it last checked, on "
        f"{i18n.format_date(checked.date(), 'en')} at {checked.strftime('%H:%M')}.")
    assert view.heading == "We have your application"


def test_offline_and_never_heard_says_it_cannot_check_now_and_where_else_to_look():
    view = progress_view(new_reference("LIB01"), None, False, None, "en")
    assert view.situation == "cannot_check"
    assert view.heading == "This kiosk cannot check now"
    assert "QR code on your receipt" in view.next_step
    unknown = progress_view(new_reference("LIB01"), None, True, None, "en")
    assert unknown.heading == "We cannot find an application with this reference number"


def test_an_application_still_waiting_on_this_kiosk_says_it_has_not_been_sent_yet(store):
    waiting = store.outbox.submit(fake_submission(1), "central")
    [sent] = delivered(store)
    assert store.progress.waiting_here(waiting) and not store.progress.waiting_here(sent)
    assert not store.progress.waiting_here(new_reference("TOWN2"))
    for asked in (True, False):  # the service does not know it yet, or cannot be asked
        view = progress_view(waiting, None, asked, None, "en", waiting_here=True)
        assert (view.situation, view.heading) == ("not_sent_yet",
                                                  "Your application has not been sent yet")
        assert view.next_step.startswith("It is stored safely on this kiosk")
