"""Guessing a stranger's resume code: what a thief with the database file, and a passer-by at
the screen, can do with it. Against a real store on disk, and the visit's own look-up. No Qt;
made-up data only."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.audit_words import describe
from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.session import Session
from kiosk.forms.snapshot import session_state
from kiosk.store import Store, codes
from kiosk.store.code_guard import wait_seconds
from kiosk.visit import MAX_CODE_TRIES, Visit, look_up_code


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "kiosk.db"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(Path(__file__).parent / "data" / "forms")


def save_a_form(store: Store, form, clock) -> tuple[str, str]:
    session = Session(form, "en", clock=clock)
    session.answer("first_name", "Sam")
    draft_id = store.drafts.new_draft_id()
    code, _ = store.drafts.save_for_later(draft_id, session_state(session))
    return draft_id, code


def stored_hashes(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [h for (h,) in conn.execute("SELECT resume_hash FROM drafts"
                                            " WHERE resume_hash IS NOT NULL")]


def strangers_codes() -> Iterator[str]:
    """Codes a guesser would try: valid check characters, never the saved one."""
    for body in range(10_000, 10_100):
        chars = "".join(codes.ALPHABET[(body >> (5 * i)) & 31] for i in range(9))
        yield chars + codes.luhn.calc_check_digit(chars, alphabet=codes.ALPHABET)


def test_a_new_code_has_45_random_bits_and_reads_back_as_printed():
    code = codes.new_resume_code()
    assert len(code) == 11 and code[5] == "-"  # K7QFM-2XD9H
    assert codes.read_resume_code(code.lower().replace("-", " ")) == code
    assert len(codes.ALPHABET) ** codes.RESUME_RANDOM == 2**45


def test_a_stolen_database_alone_cannot_confirm_a_code(path, nav_form, clock):
    with Store(path, clock=clock) as store:
        _, code = save_a_form(store, nav_form, clock)
    (stored,) = stored_hashes(path)
    chars = codes.normalise(code).encode()
    # What a thief could compute without the key file matches nothing stored.
    unkeyed = {hashlib.sha256(chars).hexdigest(), hashlib.sha512(chars).hexdigest(),
               hmac.new(b"", chars, hashlib.sha256).hexdigest()}
    assert not any(guess in stored for guess in unkeyed)
    # Only with the install key beside it (kept 0600, outside the database) does it match.
    install_key = (path.parent / "install.key").read_bytes()
    key = hmac.new(install_key, b"kiosk resume codes", hashlib.sha256).digest()
    assert stored == "k2:" + hmac.new(key, chars, hashlib.sha256).hexdigest()


def test_an_older_kiosks_bare_hash_is_wrapped_at_start_and_its_code_still_opens(
        path, nav_form, clock):
    with Store(path, clock=clock) as store:
        draft_id, _ = save_a_form(store, nav_form, clock)
    old_code = "K7QF-M2X" + codes.luhn.calc_check_digit("K7QFM2X", alphabet=codes.ALPHABET)
    bare = hashlib.sha256(codes.normalise(old_code).encode()).hexdigest()
    with sqlite3.connect(path) as conn:  # as a kiosk before issue 20 stored it
        conn.execute("UPDATE drafts SET resume_hash = ?", (bare,))
    with Store(path, clock=clock) as store:
        (stored,) = stored_hashes(path)
        assert stored.startswith("k1:") and bare not in stored
        with open(path, "rb") as db, open(f"{path}-wal", "rb") as wal:
            assert bare.encode() not in db.read() + wal.read()  # nor left in a page or the log
        found = store.drafts.try_code(old_code.lower())
        assert (found.status, found.draft_id) == ("found", draft_id)


def test_ten_wrong_codes_in_an_hour_start_a_wait_that_a_new_visit_and_a_restart_keep(
        path, nav_form, catalogue, clock):
    with Store(path, clock=clock) as store:
        _, code = save_a_form(store, nav_form, clock)
        guesses = strangers_codes()
        visit = Visit()
        for tried in range(1, 10):
            answer = look_up_code(store, catalogue, next(guesses))
            assert (answer.problem, answer.counts_as_wrong) == ("ui.code_unknown", True)
            if visit.wrong_code():
                assert tried == MAX_CODE_TRIES
                visit = visit.next("en")  # wiped: a new visit starts at once, as before
        tenth = look_up_code(store, catalogue, next(guesses))
        assert (tenth.problem, tenth.wait_minutes) == ("ui.code_wait", 1)
        assert tenth.problem_text("en") == (
            "Too many codes that open nothing were tried at this kiosk. "
            "Try again in 1 minute, or ask a member of staff.")
        visit = visit.next("en")  # a new visit does not clear it
        assert look_up_code(store, catalogue, code).problem == "ui.code_wait"  # not even looked at
    clock.advance(seconds=30)
    with Store(path, clock=clock) as store:  # switched off and on: still waiting
        answer = look_up_code(store, catalogue, code)
        assert (answer.problem, answer.counts_as_wrong) == ("ui.code_wait", False)
        clock.advance(seconds=31)
        assert look_up_code(store, catalogue, code).restored is not None  # the wait is over
        # A right code does not clear it: the next wrong one waits longer at once.
        assert look_up_code(store, catalogue, next(guesses)).wait_minutes == 4
        clock.advance(minutes=4)
        assert look_up_code(store, catalogue, next(guesses)).wait_minutes == 16
        clock.advance(minutes=16)
        assert look_up_code(store, catalogue, next(guesses)).wait_minutes == 60
        clock.advance(minutes=60)
        assert look_up_code(store, catalogue, next(guesses)).wait_minutes == 60
        waits = [e for e in store.staff.recent_audit(50) if e.event == "resume_code_wait"]
        assert [e.detail["seconds"] for e in reversed(waits)] == [60, 240, 960, 3600, 3600]
        assert describe(waits[0], "en") == (
            "Too many wrong resume codes: codes are not checked for 60 minutes")
        assert all(codes.normalise(code) not in str(e.detail) for e in waits)


def test_a_quiet_day_forgives_and_typos_never_count(store, nav_form, catalogue, clock):
    _, code = save_a_form(store, nav_form, clock)
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    for _ in range(30):  # people mistype; the check character catches it, and it is free
        assert look_up_code(store, catalogue, typo).problem == "ui.code_typo"
    guesses = strangers_codes()
    for _ in range(10):
        look_up_code(store, catalogue, next(guesses))
    clock.advance(hours=1)
    assert look_up_code(store, catalogue, next(guesses)).wait_minutes == 4  # still growing
    clock.advance(days=1, minutes=5)
    assert look_up_code(store, catalogue, next(guesses)).problem == "ui.code_unknown"
    assert store.drafts.code_guard().waits == 0


def test_a_clock_set_back_never_makes_the_wait_longer(store, nav_form, catalogue, clock):
    guesses = strangers_codes()
    for _ in range(10):
        look_up_code(store, catalogue, next(guesses))
    clock.advance(days=-30)  # a flat battery
    assert store.drafts.try_code(next(guesses)).wait_seconds <= wait_seconds(1)


def test_a_helpers_look_up_is_not_held_back(store, nav_form, catalogue, clock):
    draft_id, code = save_a_form(store, nav_form, clock)
    guesses = strangers_codes()
    for _ in range(10):
        look_up_code(store, catalogue, next(guesses))
    assert store.drafts.try_code(code).status == "wait"
    assert store.drafts.find_draft(code).draft_id == draft_id  # staff, unlocked by PIN
