"""The helper's activity log reads as sentences in the helper's language, with the local time
to the minute: no event names, no JSON, no microseconds. No Qt; a real store."""

from __future__ import annotations

import re

import pytest

from kiosk.audit_words import describe, line, when
from kiosk.store import AuditEntry, Store


@pytest.fixture
def entries(tmp_path):
    with Store(tmp_path / "kiosk.db", site_id="LIB01") as store:
        store.staff.set_helper_pin("Amina", "481516")
        store.staff.try_unlock("000000")
        store.staff.try_unlock("481516")
        store.staff.helper_did("Amina", "reprint", reference="LIB01-K7QFM-2XD9H")
        store.record("helper_lock", {"reason": "inactivity"}, actor="Amina")
        store.record("sealed", {"destination": "central", "count": 2, "key": "ab12"})
        return {entry.event if entry.event != "helper_action" else entry.detail["action"]:
                entry for entry in store.staff.recent_audit(50)}


def test_each_entry_is_a_sentence_with_who_did_it(entries):
    assert describe(entries["helper_added"], "en") == "IT added the helper Amina"
    assert describe(entries["helper_unlock_failed"], "en") == "A wrong PIN was typed"
    assert describe(entries["helper_unlock"], "en") == "Amina opened helper mode"
    assert describe(entries["reprint"], "en") \
        == "Amina printed the receipt of LIB01-K7QFM-2XD9H again"
    assert describe(entries["helper_lock"], "en") \
        == "Helper mode (Amina) locked itself after 10 quiet minutes"
    assert describe(entries["sealed"], "en") == "2 forms were sealed for central"


def test_in_the_helpers_language(entries):
    assert describe(entries["helper_unlock"], "fr") == "Amina a ouvert le mode assistant"
    assert describe(entries["sealed"], "es") == "Se sellaron 2 formularios para central"
    assert describe(entries["sealed"], "ar") == "خُتمت استمارتان لـ central"  # the dual


def test_an_event_added_later_still_reads_as_words():
    entry = AuditEntry(seq=1, at="2026-11-27T10:05:07.123456+00:00", actor="kiosk",
                       event="brand_new_event", detail={"widgets": 3})
    assert describe(entry, "en") == "The kiosk: brand new event (widgets: 3)"
    assert describe(entry, "fr") == "La borne\u00a0: brand new event (widgets: 3)"


def test_every_event_the_log_takes_has_its_own_sentence():
    from kiosk import i18n
    from kiosk.store.audit import EVENTS

    own = {"helper_action"}  # said by its action instead
    assert [e for e in sorted(EVENTS - own) if not i18n.has_text("en", f"audit.{e}")] == []


def test_no_json_and_the_time_to_the_minute(entries):
    for entry in entries.values():
        shown = line(entry, "en")
        assert not any(mark in shown for mark in ("{", "}", '"', "_")), shown
        assert re.search(r"\b\d{1,2}:\d{2}\b", when(entry, "en"))
        assert not re.search(r"\d{2}:\d{2}:\d{2}|\.\d{6}", shown), shown
