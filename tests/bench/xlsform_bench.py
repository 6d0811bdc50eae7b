"""Importing real XLSForms (pyxform's 57 test workbooks, tests/corpus): how many of the 34 a
kiosk can serve import unchanged and load as `kiosk forms check` loads them, and how long the
largest of those takes to import (p50 of several rounds; pyxform reads the workbook each time).

Run: .venv/bin/python tests/bench/xlsform_bench.py
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.forms.loader import load_form  # noqa: E402
from kiosk.forms.xlsform import XLSFormError, import_xlsform  # noqa: E402
from tests.support.xlsform_corpus import CORPUS, SERVABLE  # noqa: E402


def imports_unchanged() -> list[str]:
    """The servable workbooks that import as they are and whose form file then loads."""
    done = []
    with tempfile.TemporaryDirectory() as folder:
        for name in SERVABLE:
            try:
                imported = import_xlsform(CORPUS / name)
            except XLSFormError:
                continue
            written = Path(folder) / f"{Path(name).stem}.yaml"
            written.write_text(imported.yaml, encoding="utf-8")
            load_form(written)
            done.append(name)
    return done


def largest(names: list[str]) -> str:
    """The form with the most questions and choices once imported."""
    def size(name: str) -> int:
        form = import_xlsform(CORPUS / name).form
        return len(form.fields) + sum(len(o) for o in form.definition.choices.values())
    return max(names, key=size)


def bench_corpus(rounds: int = 10) -> list[dict[str, object]]:
    done = imports_unchanged()
    rows: list[dict[str, object]] = [
        {"name": f"corpus forms imported unchanged (of {len(SERVABLE)})", "value": len(done),
         "unit": "", "goal": f"= {len(SERVABLE)}"}]
    if done:
        biggest = largest(done)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            import_xlsform(CORPUS / biggest)
            times.append((time.perf_counter() - start) * 1000)
        rows.append({"name": f"import the largest corpus form p50 ({biggest})",
                     "value": statistics.median(times), "unit": "ms"})
    heaviest = max(CORPUS.iterdir(), key=lambda path: path.stat().st_size)
    times = []
    for _ in range(rounds):  # the largest file of all is refused: every problem is still told
        start = time.perf_counter()
        with contextlib.suppress(XLSFormError):
            import_xlsform(heaviest)
        times.append((time.perf_counter() - start) * 1000)
    rows.append({"name": f"import the largest corpus file p50 ({heaviest.name})",
                 "value": statistics.median(times), "unit": "ms"})
    return rows


if __name__ == "__main__":
    for row in bench_corpus():
        print(f"{row['name']}: {row['value']:.3f} {row['unit']}".rstrip())
