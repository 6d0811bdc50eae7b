"""The XLSForm versions of the four sample forms (assets/forms/xlsform/, authored as XLSForm
rows, not converted) import into forms a citizen cannot tell from their YAML twins: the same
pages with the same words in every language, the same errors for the same wrong answers, and
the same submission for the same answers."""

from __future__ import annotations

import json
import runpy
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyxform.xls2json_backends import get_xlsform

from kiosk.forms import trial
from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.loader import load_form
from kiosk.forms.session import Session
from kiosk.forms.trial import run_trial
from kiosk.forms.xlsform import import_xlsform
from kiosk.paths import sample_forms_dir

ROOT = Path(__file__).resolve().parents[3]
FORMS = ROOT / "assets" / "forms"
SAMPLES = FORMS / "xlsform"
ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"
FORM_IDS = ["feedback_services", "housing_assistance", "renew_driving_licence", "report_problem"]
LANGUAGES = ["en", "fr", "es", "ar"]


def fixed_clock():
    return datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def valid_answer_sets(form_id: str) -> list[dict]:
    lines = (ANSWERS / f"{form_id}.valid.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    """Each sample XLSForm imported, written as a YAML file, and loaded back from it."""
    folder = tmp_path_factory.mktemp("imported")
    forms = {}
    for form_id in FORM_IDS:
        result = import_xlsform(SAMPLES / f"{form_id}.xlsx")
        assert result.warnings == [], result.warnings
        path = folder / f"{form_id}.yaml"
        path.write_text(result.yaml, encoding="utf-8")
        forms[form_id] = load_form(path)
    return forms


def twin(form_id: str):
    return load_form(FORMS / f"{form_id}.yaml")


class RecordingSession(Session):
    """A session that keeps every page it shows, exactly as a screen would draw it."""

    shown: list = []

    def page(self):
        view = super().page()
        type(self).shown.append(view)
        return view


def walk(form, answers: dict, language: str, monkeypatch) -> tuple[list, trial.TrialResult]:
    """The pages shown and the result when a citizen gives these answers, page by page."""
    recorder = type("Recorder", (RecordingSession,), {"shown": []})
    monkeypatch.setattr(trial, "Session", recorder)
    result = run_trial(form, answers, language=language, clock=fixed_clock)
    return recorder.shown, result


def without_instance_id(submission: dict) -> dict:
    return {key: value for key, value in submission.items() if key != "instance_id"}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_each_sample_imports_into_the_same_form_as_its_yaml_twin(imported, form_id):
    form, yaml_twin = imported[form_id], twin(form_id)
    assert form.form_id == form_id and form.languages == LANGUAGES
    assert list(form.fields) == list(yaml_twin.fields)
    assert form.definition.model_dump() == yaml_twin.definition.model_dump()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_same_answers_show_the_same_pages_and_give_the_same_submission(
        imported, form_id, language, monkeypatch):
    for answers in valid_answer_sets(form_id):
        pages, result = walk(imported[form_id], answers, language, monkeypatch)
        twin_pages, twin_result = walk(twin(form_id), answers, language, monkeypatch)
        assert result.errors == [] and result.submission is not None
        assert [p.key for p in pages] == [p.key for p in twin_pages]
        assert pages == twin_pages  # headings, hints, choices, progress and check-answers rows
        assert pages[0].title and pages[-1].kind == "check"
        submission = without_instance_id(result.submission)
        assert submission == without_instance_id(twin_result.submission)
        assert submission["form_id"] == form_id and submission["language"] == language
        assert set(answers) <= set(submission["answers"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_same_wrong_answers_give_the_same_errors(imported, form_id, language):
    wrong = json.loads((ANSWERS / f"{form_id}.invalid.json").read_text(encoding="utf-8"))
    for answers in (wrong, {}):  # a wrong answer, and nothing answered at all
        errors = run_trial(imported[form_id], answers, language=language).errors
        assert errors, "a wrong answer must be refused"
        assert errors == run_trial(twin(form_id), answers, language=language).errors
    if language == "en":
        expected = (ANSWERS / f"{form_id}.invalid.expected.txt").read_text(encoding="utf-8")
        errors = run_trial(imported[form_id], wrong, language="en").errors
        assert errors[0].endswith(f": {expected.strip()}")


def test_the_imported_licence_form_checks_the_licence_number_s_digits(imported):
    answers = dict(valid_answer_sets("renew_driving_licence")[0], licence_number="123456789")
    errors = run_trial(imported["renew_driving_licence"], answers).errors
    assert errors and errors == run_trial(twin("renew_driving_licence"), answers).errors


def test_the_committed_spreadsheets_are_what_their_script_writes(tmp_path):
    script = runpy.run_path(str(ROOT / "build" / "make_sample_xlsforms.py"),
                            run_name="make_sample_xlsforms")
    written = script["write_samples"](tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{f}.xlsx" for f in FORM_IDS)
    for path in written:
        fresh, committed = get_xlsform(str(path)), get_xlsform(str(SAMPLES / path.name))
        for sheet in ("survey", "choices", "settings"):
            assert getattr(fresh, sheet) == getattr(committed, sheet), (path.name, sheet)


def test_the_kiosk_serves_only_the_yaml_forms_not_the_spreadsheets():
    # The spreadsheets sit in a folder under the forms folder (their script is in build/:
    # assets hold data)...
    assert {p.name for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".py")} == {
        f"{form_id}.xlsx" for form_id in FORM_IDS}
    # ...and the kiosk still serves the YAML forms (these four among the samples), never the
    # spreadsheets, with nothing failing to load.
    catalogue = load_catalogue(sample_forms_dir())
    assert set(FORM_IDS) <= set(catalogue.forms)
    assert catalogue.failures == []
    assert all(form.path.suffix == ".yaml" and form.path.parent == FORMS
               for form in catalogue.forms.values())
