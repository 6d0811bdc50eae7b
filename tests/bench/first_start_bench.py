"""Kiosk processes started at the same moment on new data folders, many rounds: how many could
not start (goal: none), and how long a round takes (tests/support/first_start.py).
Part of `make bench`; alone: python -m tests.bench.first_start_bench."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tests.support.first_start import start_together

RUNS = ((3, 100), (8, 25))  # processes, rounds


def bench_first_start() -> list[dict[str, float | str]]:
    rows: list[dict[str, float | str]] = []
    for processes, rounds in RUNS:
        with tempfile.TemporaryDirectory() as folder:
            began = time.perf_counter()
            outcomes = start_together(Path(folder), processes, rounds)
            seconds = time.perf_counter() - began
        failed = sum(len(outcome.failures) for outcome in outcomes)
        label = f"first start, {processes} processes at once x {rounds} new folders"
        rows.append({"name": f"{label}: failed of {processes * rounds}", "value": failed,
                     "unit": "", "goal": "0"})
        rows.append({"name": f"{label}: per round", "value": seconds / rounds * 1000,
                     "unit": "ms"})
    return rows


if __name__ == "__main__":  # python -m tests.bench.first_start_bench
    for row in bench_first_start():
        print(f"{row['name']:<70} {row['value']:>10.1f} {row['unit']:<3} {row.get('goal', '')}")
