"""A consultation's answers go to the central service and come back as results: the real
kiosk store and worker, a real loopback service. Offline, the kiosk keeps showing the last
results it had and says when they were fetched."""

from __future__ import annotations

import shutil
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


def view(store, form, language="en"):
    kept = store.settings.get(RESULTS_SETTING)
    return results_view(form, kept, is_online(kept, store.settings.get(SYNC_SETTING)), language)


def test_answers_are_counted_centrally_and_the_results_come_back(
        central, config, store, form, sync_worker):
    shutil.copy(FORM, central.data_dir / "forms")
    worker = sync_worker(store, config)
    for plan in ["plan_a_trees"] * 6 + ["plan_b_market_hall"] * 3 + ["plan_c_parking"]:
        vote(store, form, plan)
    assert worker.run_once().delivered == 10
    shown = view(store, form)
    assert [(r.label, r.count, r.percent) for r in shown.rows] == [
        ("Plan A: trees, benches and a play area", 6, 60),
        ("Plan B: a covered market hall", 3, 30),
        ("Plan C: more parking and a bus stop", 1, 10)]
    assert shown.total == "Answers so far: 10" and shown.notes == ()
    in_arabic = view(store, form, "ar")
    assert in_arabic.rows[0].label == "الخطة (أ): أشجار ومقاعد وساحة لعب"
    # The kiosk keeps counts only: nothing per person in what it stored.
    kept = store.settings.get(RESULTS_SETTING)
    assert set(kept["consultations"][form.form_id]) == {
        "form_id", "question", "total", "shown", "results_from", "options"}

    vote(store, form, "plan_c_parking")  # one more answer, sent at the next round
    assert worker.run_once().delivered == 1
    assert [r.count for r in view(store, form).rows] == [6, 3, 2]

    central.server.stop()  # the link goes down: the last results stay, with their time
    worker.run_once()
    offline = view(store, form)
    assert [r.count for r in offline.rows] == [6, 3, 2]
    assert len(offline.notes) == 1
    assert offline.notes[0].startswith("This kiosk is offline. The results were last "
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
