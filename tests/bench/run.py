"""`make bench`: speed of the form engine, printed as a table and saved to bench-results.json.

Goals: Continue p95 under 2 ms on a 300-question form, so a screen keeps its 16 ms frame.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.forms.catalogue import load_catalogue  # noqa: E402
from kiosk.forms.loader import load_form  # noqa: E402
from kiosk.forms.session import Session  # noqa: E402
from kiosk.paths import sample_forms_dir  # noqa: E402

QUESTIONS = 300


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def generated_form(path: Path) -> Path:
    """300 questions, each relevant only when an earlier answer allows it."""
    survey = [{"type": "integer", "name": "q0", "label": "Question 0", "required": True}]
    for number in range(1, QUESTIONS):
        kind = ["integer", "text", "select_one"][number % 3]
        question = {"type": kind, "name": f"q{number}", "label": f"Question {number}",
                    "required": True,
                    "relevant": f"${{q0}} >= 0 and string-length(concat(${{q{number - 1}}}, 'x')) > 0"}
        if kind == "select_one":
            question["choices"] = "yes_no"
        if kind == "integer":
            question["constraint"] = ". >= 0 and . <= 1000"
        survey.append(question)
    form = {"form_id": "generated", "version": "1", "title": "Generated", "default_language": "en",
            "languages": ["en"], "survey": survey,
            "choices": {"yes_no": [{"name": "yes", "label": "Yes"}, {"name": "no", "label": "No"}]}}
    path.write_text(yaml.safe_dump(form), encoding="utf-8")
    return path


def bench_load_samples(rounds: int = 20) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        catalogue = load_catalogue(sample_forms_dir())
        times.append((time.perf_counter() - start) * 1000)
        assert len(catalogue.forms) == 4, catalogue.failures
    return times


def bench_continue(form_path: Path, visits: int = 5) -> tuple[list[float], float]:
    """Every Continue of several whole visits (one visit alone is at the mercy of noise)."""
    start = time.perf_counter()
    form = load_form(form_path)
    load_ms = (time.perf_counter() - start) * 1000
    steps: list[float] = []
    for _ in range(visits):
        steps.extend(_one_visit(form))
    return steps, load_ms


def _one_visit(form) -> list[float]:
    session = Session(form, "en")
    steps = []
    while session.page().kind != "check":
        question = session.page().questions[0]
        value = {"integer": "7", "text": "words", "select_one": "yes"}[question.type]
        session.answer(question.name, value)
        start = time.perf_counter()
        page = session.continue_()
        steps.append((time.perf_counter() - start) * 1000)
        assert not page.problems, page.problems
    assert len(steps) == QUESTIONS
    return steps


def main() -> int:
    results = []
    loads = bench_load_samples()
    results.append({"name": "load 4 sample forms p50", "value": statistics.median(loads), "unit": "ms"})
    with tempfile.TemporaryDirectory() as folder:
        steps, load_ms = bench_continue(generated_form(Path(folder) / "generated.yaml"))
    results.append({"name": f"load generated {QUESTIONS}-question form", "value": load_ms, "unit": "ms"})
    results.append({"name": f"Continue p50 ({QUESTIONS} questions)", "value": percentile(steps, 0.5), "unit": "ms"})
    results.append({"name": f"Continue p95 ({QUESTIONS} questions)", "value": percentile(steps, 0.95), "unit": "ms", "goal": "< 2"})
    results.append({"name": f"Continue max ({QUESTIONS} questions)", "value": max(steps), "unit": "ms"})
    width = max(len(r["name"]) for r in results)
    print(f"{'benchmark':<{width}}  {'value':>10}  unit  goal")
    for row in results:
        print(f"{row['name']:<{width}}  {row['value']:>10.3f}  {row['unit']:<4}  {row.get('goal', '')}")
    (ROOT / "bench-results.json").write_text(json.dumps(
        [{k: r[k] for k in ("name", "value", "unit")} for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
