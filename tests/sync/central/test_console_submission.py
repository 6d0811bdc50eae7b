"""One submission in the console: its answers opened on the server under the form's own
questions, each opening audited, and its review state changed with a note to the citizen."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from sync.central.errors import CentralError
from sync.central.review import change_state, history
from sync.central.web.models import ReviewChange, StaffAudit, Submission
from tests.support.console import csrf_token

FEEDBACK = {"service": "library", "rating": "4", "what_could_be_better": "More chairs"}
NOTE = "Please bring a proof of address to the library desk."


def test_a_caseworker_opens_a_submission_under_its_questions_and_it_is_audited(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    session = console.signed_in("cara", "caseworker")
    page = session.get(f"{console.url}/submissions/{instance_id}", timeout=10)
    assert page.status_code == 200
    assert "Overall, how would you rate the service?" in page.text  # the form's label
    assert "More chairs" in page.text
    assert 'id="reference">LIB01-K7QFM-2XD9H<' in page.text
    with console.database():
        opened = StaffAudit.objects.get(action="open_submission")
    assert (opened.actor, opened.target) == ("cara", instance_id)
    assert "More chairs" not in opened.detail


def test_an_answer_the_form_does_not_name_is_shown_under_its_name(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", {**FEEDBACK, "colour": "green"})
    session = console.signed_in("ada", "administrator")
    page = session.get(f"{console.url}/submissions/{instance_id}", timeout=10)
    assert 'data-question="colour"' in page.text and "green" in page.text


def test_an_instance_id_with_a_slash_or_a_question_mark_opens_and_changes(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK, instance_id="uuid:a/b?c#d %e")
    session = console.signed_in("cara", "caseworker")
    inbox = session.get(console.url + "/inbox", timeout=10)
    link = inbox.text.split('class="open-submission"')[0].rsplit('href="', 1)[1].split('"')[0]
    page = session.get(console.central.url + link, timeout=10)
    assert page.status_code == 200 and "More chairs" in page.text
    assert change(console, session, instance_id, "in_review").status_code == 200
    with console.database():
        assert Submission.objects.get(instance_id=instance_id).state == "in_review"


def test_an_unknown_submission_is_not_found(console):
    session = console.signed_in("cara", "caseworker")
    assert session.get(console.url + "/submissions/uuid:nothing", timeout=10).status_code == 404


def change(console, session, instance_id: str, state: str, note: str = ""):
    form = session.get(f"{console.url}/submissions/{quote(instance_id)}", timeout=10)
    return session.post(f"{console.url}/review/{quote(instance_id)}", timeout=10, data={
        "csrfmiddlewaretoken": csrf_token(session, form.text), "state": state, "note": note})


def test_a_state_change_with_a_note_is_stored_shown_and_audited(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    session = console.signed_in("cara", "caseworker")
    answer = change(console, session, instance_id, "needs_information", NOTE + "  ")
    assert answer.status_code == 200  # after the redirect back to the submission
    assert "LIB01-K7QFM-2XD9H is now “Needs information”." in answer.text
    assert 'id="current-state">Needs information<' in answer.text
    assert NOTE in answer.text
    with console.database() as store:
        row = Submission.objects.get(instance_id=instance_id)
        changes = history(store, instance_id)
        audited = StaffAudit.objects.get(action="change_state")
    assert (row.state, row.citizen_note) == ("needs_information", NOTE)
    assert row.state_changed_at == changes[0].at
    assert [(c.by, c.from_state, c.to_state, c.note) for c in changes] == [
        ("cara", "received", "needs_information", NOTE)]
    assert (audited.actor, audited.target) == ("cara", instance_id)
    assert NOTE not in audited.detail and "received -> needs_information" in audited.detail

    change(console, session, instance_id, "approved")  # no note: the old one is cleared
    with console.database():
        row = Submission.objects.get(instance_id=instance_id)
        assert (row.state, row.citizen_note) == ("approved", "")
        assert ReviewChange.objects.filter(submission_id=instance_id).count() == 2


def test_a_state_change_without_the_csrf_token_is_refused_and_changes_nothing(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    session = console.signed_in("cara", "caseworker")
    answer = session.post(f"{console.url}/review/{instance_id}", timeout=10,
                          data={"state": "approved", "note": "forged"})
    assert answer.status_code == 403
    with console.database():
        assert Submission.objects.get(instance_id=instance_id).state == "received"
        assert not ReviewChange.objects.exists()


def test_a_state_that_is_not_one_or_a_note_too_long_is_named_and_nothing_changes(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    session = console.signed_in("cara", "caseworker")
    answer = change(console, session, instance_id, "edited")
    assert answer.status_code == 400 and "Choose one of the states." in answer.text
    answer = change(console, session, instance_id, "approved", "x" * 2001)
    assert answer.status_code == 400 and "Keep the note to 2000 characters." in answer.text
    assert "x" * 2001 in answer.text  # what was typed is kept in the form, not lost
    with console.database():
        assert Submission.objects.get(instance_id=instance_id).state == "received"
        assert not ReviewChange.objects.exists()


def test_a_viewer_cannot_change_a_state(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    session = console.signed_in("vic", "viewer")
    inbox = session.get(console.url + "/inbox", timeout=10)
    answer = session.post(f"{console.url}/review/{instance_id}", timeout=10,
                          data={"csrfmiddlewaretoken": csrf_token(session, inbox.text),
                                "state": "approved"})
    assert answer.status_code == 403
    with console.database():
        assert Submission.objects.get(instance_id=instance_id).state == "received"


def test_change_state_names_what_is_wrong_and_writes_nothing(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    with console.database() as store:
        for state, note, problem in [
                ("edited", "", "'edited' is not a review state; use one of received, "
                               "in_review, needs_information, approved, rejected."),
                ("approved", "x" * 2001, "The note is 2001 characters long; keep it to 2000."),
                ("approved", "a\x00b", "The note holds a control character"),
        ]:
            with pytest.raises(CentralError, match=re.escape(problem)):
                change_state(store, instance_id, state, note, "cara")
        with pytest.raises(CentralError, match="There is no submission uuid:nothing."):
            change_state(store, "uuid:nothing", "approved", "", "cara")
        assert Submission.objects.get(instance_id=instance_id).state == "received"
        assert not ReviewChange.objects.exists()
        done = change_state(store, instance_id, "rejected", "Line one\r\nline two ", "cara")
    assert (done.from_state, done.to_state, done.note) == ("received", "rejected",
                                                            "Line one\nline two")
