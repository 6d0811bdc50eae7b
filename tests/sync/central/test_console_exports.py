"""Exports from the staff console: a form's opened submissions as CSV and JSON Lines
(caseworkers, audited with the form and count), its open-data counts as CSV (any staff)."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import requests

from sync.central.web.databases import serving
from sync.central.web.models import StaffAudit

from .central_kit import CONSULTATION, FORMS, answer_body, sealed_body


def _send(service, body: dict) -> None:
    assert service.post(body).status_code == 201


def _audit(service) -> list[StaffAudit]:
    with serving(service.server.store.alias):
        return list(StaffAudit.objects.order_by("id"))


@pytest.fixture
def feedback(service):
    """Two feedback submissions, one with text a spreadsheet would run as a formula."""
    _send(service, sealed_body(service.key, {"service": "library", "comment": "=HYPERLINK(1)"}))
    _send(service, sealed_body(service.key, {"service": "parks", "comment": "Très bien",
                                             "rating": 4}))
    return service


def test_a_caseworker_downloads_a_forms_submissions_as_a_spreadsheet(console, feedback):
    browser = console.signed_in("test-caseworker", "caseworker")
    page = browser.get(feedback.url + "/console/exports")
    assert page.status_code == 200
    assert 'href="/console/exports/feedback/submissions.csv"' in page.text
    response = browser.get(feedback.url + "/console/exports/feedback/submissions.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="feedback-submissions-')
    assert "no-store" in response.headers["Cache-Control"]  # citizens' answers
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [row["service"] for row in rows] == ["library", "parks"]
    assert rows[0]["comment"] == "'=HYPERLINK(1)"  # shown as text, never run
    assert rows[1]["comment"] == "Très bien"
    assert rows[1]["rating"] == "4" and rows[0]["rating"] == ""
    assert rows[0]["reference"] == "HALL7-ABCDE-FGHJK"
    audited = _audit(feedback)[-1]
    assert (audited.actor, audited.action, audited.target, audited.detail) == (
        "test-caseworker", "exported submissions", "feedback", "CSV, 2 submissions")


def test_json_lines_hold_each_submission_whole(console, feedback):
    browser = console.signed_in("test-administrator", "administrator")
    response = browser.get(feedback.url + "/console/exports/feedback/submissions.jsonl")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith('.jsonl"')
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [record["answers"]["service"] for record in records] == ["library", "parks"]
    assert records[0]["answers"]["comment"] == "=HYPERLINK(1)"  # JSON keeps the text as sent
    assert {"instance_id", "receipt_id", "received_at", "language"} <= set(records[0])
    assert _audit(feedback)[-1].detail == "JSON Lines, 2 submissions"


def test_a_viewer_gets_the_open_data_but_not_the_opened_submissions(console, service):
    shutil.copy(FORMS / f"{CONSULTATION}.yaml", service.data_dir / "forms")
    for plan in ["plan_a_trees"] * 6 + ["plan_c_parking"] * 2:
        _send(service, answer_body(service.key, {"plan": plan}))
    browser = console.signed_in("test-viewer", "viewer")
    page = browser.get(service.url + "/console/exports")
    assert "needs the caseworker role" in page.text
    assert f"/console/exports/{CONSULTATION}/submissions.csv" not in page.text
    refused = browser.get(f"{service.url}/console/exports/{CONSULTATION}/submissions.csv")
    assert refused.status_code == 403
    response = browser.get(f"{service.url}/console/exports/{CONSULTATION}/open-data.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["question"] == "" and rows[0]["count"] == "8"  # the week's submissions
    plans = {row["option"]: row for row in rows if row["question"] == "plan"}
    assert plans["plan_a_trees"]["count"] == "6"
    assert plans["plan_c_parking"]["count"] == "" and plans["plan_c_parking"]["suppressed"] == "true"


def test_exports_need_a_signed_in_account_and_a_known_form(console, feedback):
    anonymous = requests.get(feedback.url + "/console/exports/feedback/submissions.csv",
                             allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/console/sign-in")
    browser = console.signed_in("test-caseworker", "caseworker")
    assert browser.get(feedback.url + "/console/exports/nothing/submissions.csv"
                       ).status_code == 404
    # A form served but not sent yet: its header row, and nothing else.
    empty = browser.get(feedback.url + "/console/exports/feedback_services/submissions.csv")
    assert empty.status_code == 200
    assert empty.content.decode("utf-8-sig").splitlines() == [
        "instance_id,reference,form_id,form_version,device_id,created_at,received_at"]
