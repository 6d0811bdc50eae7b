"""A visit a helper joined says so in its submission (by name, with consent), and keeps saying
so when it is saved for later and resumed."""

from datetime import UTC, datetime
from pathlib import Path

from kiosk.forms.loader import load_form
from kiosk.forms.session import Session
from kiosk.forms.snapshot import restore_session, session_state
from kiosk.forms.trial import run_trial

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)
ANSWERS = {"category": "graffiti", "problem_detail": "graffiti_public_property",
           "location": "Test Street 1", "urgency": "not_urgent"}


def test_an_assisted_visit_names_its_helper_and_the_consent():
    form = load_form(ROOT / "assets" / "forms" / "report_problem.yaml")
    session = Session(form, "en", clock=lambda: NOW)
    assert session.assisted_by is None
    session.record_assistance("Amina")
    session.record_assistance("Amina")  # unlocking twice is one helper, once
    session.record_assistance("Bo")
    assert session.assisted_by == "Amina, Bo"
    restored = restore_session(form, session_state(session), clock=lambda: NOW).session
    assert restored.assisted_by == "Amina, Bo"
    trial = run_trial(form, ANSWERS)
    assert "assistance" not in trial.submission  # an unassisted visit carries nothing
    while (page := restored.page()).kind != "check":
        for question in page.questions:
            if question.name in ANSWERS:
                restored.answer(question.name, ANSWERS[question.name])
        restored.continue_()
    assisted = restored.submission()
    assert assisted["assistance"] == [
        {"helper": "Amina", "consent": "given", "at": "2026-11-27T10:30:00+00:00"},
        {"helper": "Bo", "consent": "given", "at": "2026-11-27T10:30:00+00:00"}]
