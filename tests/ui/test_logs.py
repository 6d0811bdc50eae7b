"""The kiosk's log file (kiosk/logs.py) after real visits through the real widgets: it says
what happened, and none of what the citizens answered, nor their reference numbers."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from kiosk.logs import close_logging, log_path, setup_logging
from tests.support.paths import ROOT

ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"


def _answer_sets(form_id):
    lines = (ANSWERS / f"{form_id}.valid.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _texts(value):
    """Every answer as a person would type or read it: strings, numbers, dates."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif not isinstance(value, bool):
        yield str(value)
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":  # a date
            year, month, day = value.split("-")
            yield f"{int(day)}/{int(month)}/{year}"


@pytest.fixture
def log_file(tmp_path):
    path = setup_logging(tmp_path / "data")
    yield path
    close_logging()


@pytest.mark.parametrize("form_id", ["housing_assistance", "renew_driving_licence"])
def test_the_log_says_what_happened_and_nothing_a_citizen_answered(
        form_id, log_file, window, store, driver, qtbot):
    answers = _answer_sets(form_id)[0]
    driver.start(form_id, "en")
    reference = driver.complete(answers)
    qtbot.waitUntil(lambda: not window.tasks.busy())
    driver.tap_named("primary")  # Finish: the wipe
    logged = log_file.read_text(encoding="utf-8")
    # It logs the visit (so the search below searched something)...
    assert f"visit started: {form_id} in en" in logged
    assert f"submitted: {form_id}" in logged
    assert "visit ended: wiped" in logged
    # ...and none of the person: no answer, however written, and no reference. (A choice's
    # code that is part of the service's own id, "housing" in housing_assistance, is the
    # service, logged on purpose.)
    said = [text for text in _texts(answers)
            if len(text) >= 3 and text not in form_id and text in logged]
    assert said == []
    assert reference not in logged and reference.split("-", 1)[1] not in logged


def test_a_failure_is_logged_by_kind_without_its_message(log_file, window, driver, qtbot):
    import logging

    from ui.visit_flow import warn as _warn

    _warn(ValueError("'Sam Example' is not a valid housing situation"))
    try:
        raise ValueError("date_of_birth '1988-02-19' is in the future")
    except ValueError:
        logging.getLogger("ui.app").critical("unexpected error", exc_info=True)
    logged = log_file.read_text(encoding="utf-8")
    assert "housekeeping failed: ValueError" in logged
    assert "builtins.ValueError (its message is not logged" in logged
    assert "test_logs.py" in logged  # the frames are there for IT
    assert "Sam Example" not in logged and "1988-02-19" not in logged


def test_kiosk_run_writes_its_log_in_the_data_folder(tmp_path):
    data = tmp_path / "data"
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                   "QT_QPA_PLATFORM": "offscreen", "KIOSK_DATA_DIR": str(data),
                   "KIOSK_CONFIG": str(tmp_path / "kiosk.toml")}
    (tmp_path / "kiosk.toml").write_text('site_id = "LOGTEST"\n')
    kiosk = subprocess.Popen([sys.executable, "-m", "ui.cli", "run", "--windowed"], cwd=ROOT,
                             env=environment, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    log = log_path(data)
    try:
        deadline = time.monotonic() + 60
        while "started: site LOGTEST" not in (log.read_text() if log.exists() else ""):
            assert kiosk.poll() is None and time.monotonic() < deadline, "the kiosk never started"
            time.sleep(0.1)
    finally:
        kiosk.send_signal(signal.SIGTERM)  # as systemd stops it
        assert kiosk.wait(timeout=60) == 0
    logged = log.read_text(encoding="utf-8")
    assert "forms" in logged and "configuration" in logged
    assert logged.rstrip().endswith("kiosk stopped")
