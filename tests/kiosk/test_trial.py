"""`kiosk forms try`'s engine (run_trial) on repeats: a counted repeat is not called unused, and
a repeat with no items is submitted empty."""

from kiosk.forms.trial import run_trial

from .small_forms import COUNTED, NOW, YES_NO, make_form


def test_trial_does_not_call_a_repeat_count_repeat_unused(tmp_path):
    form = make_form(tmp_path, COUNTED, YES_NO)
    result = run_trial(form, {"people": 1, "person": [{"person_name": "Ann"}]},
                       clock=lambda: NOW)
    assert result.errors == []
    assert result.unused == []


def test_trial_with_no_items_submits_an_empty_repeat(tmp_path):
    form = make_form(tmp_path, """\
        - type: repeat
          name: vehicle
          label: Vehicle
          children:
            - {type: text, name: plate, label: Number plate}
        """)
    result = run_trial(form, {"vehicle": []}, clock=lambda: NOW)
    assert result.submission["answers"]["vehicle"] == []
