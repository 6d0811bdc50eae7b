"""A consultation's answers go to the central service and come back as results: the real
kiosk store and worker, a real loopback service. Offline, the kiosk keeps showing the last
results it had and says when they were fetched."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.consultation import RESULTS_SETTING, SYNC_SETTING, is_online, results_view
from kiosk.forms.loader import load_form
from kiosk.forms.trial import run_trial

FORM = Path(__file__).resolve().parents[2] / "assets" / "forms" / "market_square_consultation.yaml"


@pytest.fixture
def form():
    return load_form(FORM)


@pytest.fixture
def store(config):
    with config.open_store() as store:
        yield store


def vote(store, form, plan: str) -> None:
    result = run_trial(form, {"plan": plan})
    assert result.errors == []
    store.outbox.submit(result.submission, form.definition.settings.destination)


def a_week_on(central) -> None:
    """The service counts the weeks that have ended: its clock 8 days ahead counts today's
    (whatever the kiosk's time zone puts today in)."""
    central.server.app.tallies.clock = lambda: datetime.now(UTC) + timedelta(days=8)


def view(store, form, language="en"):
    kept = store.settings.get(RESULTS_SETTING)
    return results_view(form, kept, is_online(kept, store.settings.get(SYNC_SETTING)), language)


def test_answers_are_counted_centrally_and_the_results_come_back(
        central, config, store, form, sync_worker):
    shutil.copy(FORM, central.data_dir / "forms")
    a_week_on(central)
    worker = sync_worker(store, config)
    for plan in ["plan_a_trees"] * 6 + ["plan_b_market_hall"] * 5:
        vote(store, form, plan)
    assert worker.run_once().delivered == 11
    shown = view(store, form)
    assert [(r.label, r.count, r.percent) for r in shown.rows] == [
        ("Plan A: trees, benches and a play area", 6, 55),
        ("Plan B: a covered market hall", 5, 45),
        ("Plan C: more parking and a bus stop", 0, 0)]
    assert shown.total == "Answers so far: 11"
    assert len(shown.notes) == 1 and shown.notes[0].startswith("Answers counted up to ")
    in_arabic = view(store, form, "ar")
    assert in_arabic.rows[0].label == "الخطة (أ): أشجار ومقاعد وساحة لعب"
    # The kiosk keeps counts only: nothing per person in what it stored.
    kept = store.settings.get(RESULTS_SETTING)
    assert set(kept["consultations"][form.form_id]) == {
        "form_id", "question", "total", "shown", "results_from", "counted_to", "options"}

    vote(store, form, "plan_c_parking")  # one answer more: a count of 1 is never shown, nor
    assert worker.run_once().delivered == 1  # the 5 beside it (12 - 6 - 5 would give it away)
    assert view(store, form).notes[0] == ("The results will show once at least 10 people "
                                          "have answered.")  # 6 counted
    for _ in range(4):
        vote(store, form, "plan_c_parking")
    assert worker.run_once().delivered == 4
    assert [r.count for r in view(store, form).rows] == [6, 5, 5]

    central.server.stop()  # the link goes down: the last results stay, with their time
    worker.run_once()
    offline = view(store, form)
    assert [r.count for r in offline.rows] == [6, 5, 5]
    assert len(offline.notes) == 2
    assert offline.notes[1].startswith("This kiosk is offline. The results were last "
                                       "updated on ")


def test_before_enough_answers_the_kiosk_says_how_many_are_needed(
        central, config, store, form, sync_worker):
    shutil.copy(FORM, central.data_dir / "forms")
    worker = sync_worker(store, config)
    assert view(store, form).notes == (
        "The results will show here when this kiosk has been online.",)
    vote(store, form, "plan_a_trees")
    worker.run_once()
    shown = view(store, form)
    assert shown.rows == () and shown.total == ""
    assert shown.notes == ("The results will show once at least 10 people have answered.",)
