"""The staff console's inbox on a busy service: p50 and p95 of the inbox page (the newest 25),
a search by part of a reference, by a whole reference typed in lower case with spaces, and by
a month of received dates, over HTTP to the in-process central on SQLite with 100,000
submissions. Goal: p95 under 1 s for each, the limit for a person's flow of thought (a part
of a reference is looked for in every reference: the slowest).

Run: .venv/bin/python tests/bench/console_bench.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from django.test import override_settings  # noqa: E402

from sync.central.server import CentralServer  # noqa: E402
from sync.central.setup import init_central  # noqa: E402
from sync.central.web.databases import serving  # noqa: E402
from sync.central.web.models import Counter, Device, Submission  # noqa: E402
from tests.support.console import QUICK_HASHERS, add_staff, sign_in  # noqa: E402

ROWS = 100_000
ROUNDS = 30
GOAL_MS = 1000.0
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def made_up_reference(number: int) -> str:
    digits = []
    for _ in range(10):
        number, digit = divmod(number * 7919 + 13, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return f"LIB01-{''.join(digits[:5])}-{''.join(digits[5:])}"


def fill(store, rows: int) -> str:
    """`rows` submissions (envelopes are not opened by the list), received over a year; the
    reference of one in the middle."""
    with serving(store.alias):
        device = Device.objects.first()
        batch = []
        for number in range(1, rows + 1):
            day = 1 + number * 364 // rows
            month, day_of_month = 1 + (day - 1) // 31 % 12, 1 + (day - 1) % 28
            batch.append(Submission(
                instance_id=f"uuid:bench-{number}", seq=number,
                reference=made_up_reference(number), device=device, form_id="feedback",
                form_version="1", created_at=f"2026-{month:02d}-{day_of_month:02d}T09:00:00",
                received_at=f"2026-{month:02d}-{day_of_month:02d}T09:00:{number % 60:02d}.000+00:00",
                receipt_id=f"rcpt-bench-{number}", payload_sha256="0" * 64, envelope=b"sealed",
                state=("received", "in_review", "approved")[number % 3]))
            if len(batch) == 5000:
                Submission.objects.bulk_create(batch)
                batch = []
        Submission.objects.bulk_create(batch)
        Counter.objects.filter(name="submissions").update(value=rows)
    return made_up_reference(rows // 2)


def timed(session, url: str, params: dict) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        answer = session.get(url, params=params, timeout=30)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, answer.status_code
    return times


def bench_inbox() -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as folder, \
            override_settings(PASSWORD_HASHERS=QUICK_HASHERS):
        data = Path(folder) / "central"
        init_central(data, "http://127.0.0.1:8765")
        add_staff(data, "vic", "viewer")
        server = CentralServer(data, log=lambda line: None).start()
        try:
            wanted = fill(server.store, ROWS)
            session, _ = sign_in(server.url, "vic")
            inbox = server.url + "/console/inbox"
            typed = " ".join(wanted.lower().split("-"))
            return {
                "inbox page": timed(session, inbox, {}),
                "search by part of a reference": timed(session, inbox,
                                                       {"reference": wanted[6:11]}),
                "search by a whole reference, as typed": timed(session, inbox,
                                                               {"reference": typed}),
                "search by a month received": timed(session, inbox, {
                    "received_from": "2026-03-01", "received_to": "2026-03-31"}),
            }
        finally:
            server.stop()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def console_rows() -> list[dict]:
    """The rows `make bench` prints (tests/bench/run.py)."""
    rows: list[dict] = []
    for name, times in bench_inbox().items():
        label = f"console: {name} ({ROWS:,} submissions)"
        rows.append({"name": f"{label} p50", "value": statistics.median(times), "unit": "ms"})
        rows.append({"name": f"{label} p95", "value": percentile(times, 0.95), "unit": "ms",
                     "goal": f"< {GOAL_MS:.0f}"})
    return rows


if __name__ == "__main__":
    for row in console_rows():
        print(f"{row['name']}: {row['value']:.1f} {row['unit']}"
              + (f" (goal {row['goal']})" if "goal" in row else ""))
