"""The sample forms the screen tests walk through, and the answers they give (the valid answer
files of tests/kiosk/data/answers, one answer set a line)."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"
FORMS = ["renew_driving_licence", "housing_assistance", "feedback_services", "report_problem",
         "market_square_consultation", "market_trader_tax"]


def answer_sets(form_id):
    lines = (ANSWERS / f"{form_id}.valid.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
