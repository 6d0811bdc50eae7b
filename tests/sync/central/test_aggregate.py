"""`kiosk central export --aggregate`: open data from real received submissions. It counts per
form, ISO week and option; it never holds free text, and never a count under the threshold
(nor a count that subtraction would give away)."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from .central_kit import CONSULTATION, FORMS, answer_body, run, sealed_body

MARKER = "Ask Jo Example at 22 Sample Road, she knows"  # free text that must never come out
WEEK_48, WEEK_49, WEEK_50 = ("2026-11-24T10:00:00+00:00", "2026-12-01T10:00:00+00:00",
                             "2026-12-08T10:00:00+00:00")


@pytest.fixture
def received(service):
    shutil.copy(FORMS / f"{CONSULTATION}.yaml", service.data_dir / "forms")
    plans = {WEEK_48: ["plan_b_market_hall"] * 7 + ["plan_a_trees"] * 2,
             WEEK_49: ["plan_c_parking"] * 5 + ["plan_a_trees"] * 6,
             WEEK_50: ["plan_a_trees"] * 3}
    for week, chosen in plans.items():
        for plan in chosen:
            service.post(answer_body(service.key, {"plan": plan, "comments": MARKER},
                                     created_at=week))
    # An answer that is not one of the options (a changed form, a tampered kiosk): not counted.
    service.post(answer_body(service.key, {"plan": MARKER}, created_at=WEEK_49))
    for number in range(6):  # feedback, with a select_multiple and free text beside it
        good = ["quick", "staff_helpful"] if number == 0 else ["quick"]
        service.post(answer_body(service.key, {
            "service": "libraries", "rating": "4", "what_was_good": good,
            "what_could_be_better": MARKER, "wants_reply": "no"},
            form_id="feedback_services", created_at=WEEK_48))
    service.post(sealed_body(service.key, {"comment": MARKER}))  # a form the service lacks
    return service


def export(service, capsys, *extra: str) -> tuple[list[dict], str]:
    assert run("export", "--data-dir", str(service.data_dir), "--aggregate", *extra) == 0
    out, err = capsys.readouterr()
    return list(csv.DictReader(io.StringIO(out))), out + err


def cell(rows, form_id, week, question, option) -> dict:
    return next(r for r in rows if (r["form_id"], r["week"], r["question"], r["option"])
                == (form_id, week, question, option))


def test_the_export_never_holds_free_text_nor_a_small_count(received, capsys):
    rows, everything = export(received, capsys)
    assert list(rows[0]) == ["form_id", "week", "question", "option", "count", "suppressed"]
    assert MARKER not in everything and "Jo Example" not in everything
    assert {r["question"] for r in rows} <= {"", "plan", "service", "rating", "what_was_good",
                                             "wants_reply"}
    for row in rows:
        if row["suppressed"] == "true":
            assert row["count"] == ""
        else:
            assert row["suppressed"] == "false" and int(row["count"]) >= 5, row


def test_counts_per_form_week_and_option(received, capsys):
    rows, _ = export(received, capsys)
    # 12 submissions in week 49; the one whose plan is not an option counts as a submission,
    # not as an answer.
    assert cell(rows, CONSULTATION, "2026-W49", "", "")["count"] == "12"
    assert cell(rows, CONSULTATION, "2026-W49", "plan", "plan_a_trees")["count"] == "6"
    assert cell(rows, CONSULTATION, "2026-W49", "plan", "plan_c_parking")["count"] == "5"
    assert cell(rows, "feedback_services", "2026-W48", "what_was_good", "quick")["count"] == "6"
    assert cell(rows, "feedback_services", "2026-W48", "service", "libraries")["count"] == "6"


def test_a_lone_small_cell_takes_its_smallest_neighbour_with_it(received, capsys):
    rows, _ = export(received, capsys)
    # Every option has its row, chosen or not: a suppressed row does not say "at least 1".
    assert {r["option"] for r in rows if r["week"] == "2026-W49" and r["question"] == "plan"} \
        == {"plan_a_trees", "plan_b_market_hall", "plan_c_parking"}
    # 9 answers in week 48: 7, 2 and nought. The 7 is published; the 2 and the nought are
    # two unknowns that add up to 2: either could be 0, 1 or 2.
    assert cell(rows, CONSULTATION, "2026-W48", "", "")["count"] == "9"
    assert cell(rows, CONSULTATION, "2026-W48", "plan", "plan_b_market_hall")["count"] == "7"
    for plan in ("plan_a_trees", "plan_c_parking"):
        assert cell(rows, CONSULTATION, "2026-W48", "plan", plan)["suppressed"] == "true"
    # 11 answers in week 49: 6, 5 and nought. A lone suppressed nought gives nothing away
    # (nobody chose it), so the 5 stays published.
    assert cell(rows, CONSULTATION, "2026-W49", "plan", "plan_c_parking")["count"] == "5"
    # Several options can be chosen at once: the counts do not add up to anything, so the
    # small one alone is suppressed.
    assert cell(rows, "feedback_services", "2026-W48", "what_was_good",
                "staff_helpful")["suppressed"] == "true"
    # A week with 3 submissions: its total is suppressed too.
    assert cell(rows, CONSULTATION, "2026-W50", "", "")["suppressed"] == "true"


def test_the_threshold_can_be_set_and_forms_it_cannot_read_are_reported(received, capsys):
    rows, everything = export(received, capsys, "--threshold", "3")
    assert cell(rows, CONSULTATION, "2026-W50", "plan", "plan_a_trees")["count"] == "3"
    assert all(r["count"] == "" or int(r["count"]) >= 3 for r in rows)
    assert ("warning: 1 submission of feedback not counted: its form is not in the service's "
            "forms/ folder") in everything


def test_the_export_goes_to_a_file_whole(received, capsys, tmp_path):
    target = tmp_path / "open-data.csv"
    rows_on_stdout, _ = export(received, capsys)
    assert run("export", "--data-dir", str(received.data_dir), "--aggregate",
               "-o", str(target)) == 0
    assert capsys.readouterr().out == ""
    assert list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8")))) == rows_on_stdout
    assert not list(tmp_path.glob(".*.part"))


def test_jsonl_and_a_threshold_below_one_are_refused(received, capsys):
    assert run("export", "--data-dir", str(received.data_dir), "--aggregate",
               "--format", "jsonl") == 1
    assert "CSV only" in capsys.readouterr().err
    assert run("export", "--data-dir", str(received.data_dir), "--aggregate",
               "--threshold", "0") == 1
    assert "--threshold must be 1 or more" in capsys.readouterr().err
