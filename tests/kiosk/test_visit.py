"""The rules of a visit, without a screen: staff settings, the volume, codes that open nothing,
Send and its draft, and the receipt and slip made for printing (kiosk/visit.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.session import IncompleteError, Session
from kiosk.forms.snapshot import session_state
from kiosk.visit import (
    MAX_CODE_TRIES,
    StaffSettings,
    Visit,
    look_up_code,
    make_receipt,
    make_slip,
    visit_volume,
)

FORMS = Path(__file__).parent / "data" / "forms"
LANGUAGES = ["en", "fr", "es", "ar"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(FORMS)


def finished_session(catalogue) -> Session:
    session = Session(catalogue.get("navigation"), "en")
    for answers in ({"first_name": "Sam"}, {"age": "40"}, {"has_children": "no"},
                    {"street": "1 Test Street", "town": "",
                     "moved_in": {"day": "2", "month": "3", "year": "2020"}}, {},
                    {"services": ["library"]}):
        for name, value in answers.items():
            session.answer(name, value)
        session.continue_()
    return session


def test_staff_settings_take_only_what_the_kiosk_can_use():
    settings = StaffSettings()
    assert settings.changed("default_language", "fr", LANGUAGES).default_language == "fr"
    assert settings.changed("default_language", "xx", LANGUAGES) == settings
    assert settings.changed("default_text_size", 150, LANGUAGES).default_text_size == 150
    assert settings.changed("default_text_size", 120, LANGUAGES) == settings
    assert settings.changed("volume", 0, LANGUAGES).volume == 0
    for wrong in (101, -1, "50", True):
        assert settings.changed("volume", wrong, LANGUAGES) == settings
    kept = {"default_language": "ar", "default_text_size": 200, "volume": 300, "other": 1}
    assert StaffSettings().with_stored(kept, LANGUAGES) == StaffSettings("ar", 200, 80)
    assert StaffSettings().with_stored(None, LANGUAGES) == StaffSettings()
    assert StaffSettings("es", 150, 40).stored() == {
        "default_language": "es", "default_text_size": 150, "volume": 40}


def test_the_citizen_makes_read_aloud_quieter_or_louder_than_staff_set_it():
    assert [visit_volume(80, level) for level in ("quiet", "normal", "loud")] == [40, 80, 100]
    assert visit_volume(50, "loud") == 80
    visit = Visit()
    visit.volume_level = "quiet"
    assert visit.volume(StaffSettings(volume=60)) == 30


def test_the_fifth_code_that_opens_nothing_ends_the_visit():
    visit = Visit()
    assert [visit.wrong_code() for _ in range(MAX_CODE_TRIES)] == [False] * 4 + [True]


def test_the_next_visit_keeps_nothing_of_the_last():
    visit = Visit(3, "fr")
    visit.draft_id, visit.done_reference, visit.listening = "d1", "REF", True
    visit.volume_level = "loud"
    visit.wrong_code()
    following = visit.next("en")
    assert following.number == 4
    assert (following.language, following.draft_id, following.done_reference,
            following.listening, following.volume_level, following.failed_codes) == (
        "en", None, None, False, "normal", 0)


def test_send_takes_the_draft_with_the_submission_and_gives_it_back_when_storing_fails(
        catalogue, store):
    visit = Visit()
    visit.draft_id = store.drafts.new_draft_id()
    unfinished = Session(catalogue.get("navigation"), "en")
    with pytest.raises(IncompleteError):
        visit.finish(unfinished)
    assert visit.draft_id is not None  # nothing was taken

    session = finished_session(catalogue)
    store.drafts.autosave(visit.draft_id, session_state(session))
    finished = visit.finish(session)
    assert visit.draft_id is None and finished.draft_id is not None
    assert finished.submission["form_id"] == "navigation"
    visit.keep_draft(finished.draft_id)  # as after a full disk
    assert visit.draft_id == finished.draft_id

    reference = finished.store_in(store)
    assert store.outbox.submission(reference)["answers"]["first_name"] == "Sam"
    assert store.drafts.load_draft(finished.draft_id) is None  # gone in the same commit
    assert finished.store_in(store) == reference  # a double Send stores it once


def test_a_code_is_looked_up_and_its_form_brought_back(catalogue, store, clock):
    session = finished_session(catalogue)
    draft_id = store.drafts.new_draft_id()
    code, _expires = store.drafts.save_for_later(draft_id, session_state(session))

    found = look_up_code(store, catalogue, code)
    assert found.problem is None and found.draft_id == draft_id
    assert found.restored.session.given_answers()["first_name"] == "Sam"

    typo = look_up_code(store, catalogue, code[:-1] + ("A" if code[-1] != "A" else "B"))
    assert typo.problem == "ui.code_typo" and typo.counts_as_wrong
    assert look_up_code(store, catalogue, "ABCD-EFG").counts_as_wrong

    clock.advance(days=31)
    expired = look_up_code(store, catalogue, code)
    assert (expired.problem, expired.expiry_days, expired.counts_as_wrong) == (
        "ui.code_expired", 30, True)


def test_a_code_whose_form_is_gone_or_unreadable_says_so(catalogue, store, tmp_path):
    session = finished_session(catalogue)
    code, _ = store.drafts.save_for_later(store.drafts.new_draft_id(), session_state(session))
    empty = load_catalogue(tmp_path)  # the form was withdrawn from this kiosk
    assert look_up_code(store, empty, code).problem == "ui.form_gone"

    with sqlite3.connect(store.path) as damage:  # a damaged draft
        damage.execute("UPDATE drafts SET payload = x'00'")
    unreadable = look_up_code(store, catalogue, code)
    assert unreadable.problem == "ui.draft_unreadable" and not unreadable.counts_as_wrong


def test_the_receipt_and_the_slip_are_pdfs_whose_qr_code_holds_the_reference_or_code(
        catalogue, store):
    config = Config(site_id="lib-01")
    reference = Visit().finish(finished_session(catalogue)).store_in(store)
    receipt = make_receipt(store, catalogue, reference, None, config)
    assert receipt.pdf.startswith(b"%PDF") and receipt.payload == reference
    assert not receipt.slip and len(receipt.modules) >= 21

    slip = make_slip(catalogue.get("navigation"), "ABCD-EFG",
                     datetime(2026, 12, 27, tzinfo=UTC), "fr", config)
    assert slip.pdf.startswith(b"%PDF") and slip.payload == "ABCD-EFG" and slip.slip

    with pytest.raises(KeyError):
        make_receipt(store, catalogue, "NO-SUCH-REF", None, config)
