"""Rendering receipts: p50 and p95 of render_receipt on A4 and on the 80 mm roll, English and
Arabic visits mixed. Goal: p95 under 100 ms, so printing never keeps a citizen waiting.

Fonts are registered once per process (the first render pays for it, outside the timings).
Run: .venv/bin/python tests/bench/receipt_bench.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.receipts import LAYOUTS, ReceiptContent, render_receipt  # noqa: E402

GOAL_MS = 100.0
CONTENTS = (  # made-up visits
    ReceiptContent(
        reference="LIB01-K7QFM-2XD9H", service="Report a problem in the street",
        created_at=datetime(2026, 11, 27, 10, 5, tzinfo=UTC), site="Central Library, Hall 7",
        language="en",
        next_steps="The council will look at your report within 5 working days. If we need "
                   "more details, we will call you.",
        answers=(("Where is the problem?", "Outside 12 Example Road, near the bus stop"),
                 ("What is the problem?", "Broken street light"),
                 ("How urgent is it?", "Not urgent")),
        status_url="https://council.example/status?ref={reference}"),
    ReceiptContent(
        reference="LIB01-Q2XD9-HK7FM", service="الإبلاغ عن مشكلة في الشارع",
        created_at=datetime(2026, 11, 27, 10, 5, tzinfo=UTC), site="المكتبة المركزية، القاعة 7",
        language="ar",
        next_steps="ستراجع البلدية بلاغك خلال 5 أيام عمل. إذا احتجنا إلى مزيد من التفاصيل "
                   "فسنتصل بك.",
        answers=(("أين المشكلة؟", "أمام المبنى رقم 12 في شارع المثال"),
                 ("ما المشكلة؟", "عمود إنارة معطل"),
                 ("ما مدى الاستعجال؟", "غير مستعجل"))),
)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_receipts(rounds: int = 200) -> dict[str, float]:
    """{"a4_p50_ms": ..., "a4_p95_ms": ..., "roll80_p50_ms": ..., "roll80_p95_ms": ...}"""
    for layout in LAYOUTS:  # warm up: font registration, imports, caches
        for content in CONTENTS:
            render_receipt(content, layout)
    results: dict[str, float] = {}
    for layout in LAYOUTS:
        samples = []
        for number in range(rounds):
            content = CONTENTS[number % len(CONTENTS)]
            start = time.perf_counter()
            render_receipt(content, layout)
            samples.append((time.perf_counter() - start) * 1000)
        results[f"{layout}_p50_ms"] = statistics.median(samples)
        results[f"{layout}_p95_ms"] = percentile(samples, 0.95)
    return results


def main() -> int:
    results = bench_receipts()
    print(f"{'render_receipt (en + ar)':<28}{'p50 ms':>10}{'p95 ms':>10}")
    for layout in LAYOUTS:
        p50, p95 = results[f"{layout}_p50_ms"], results[f"{layout}_p95_ms"]
        verdict = "ok" if p95 < GOAL_MS else f"over the {GOAL_MS:.0f} ms goal"
        print(f"{layout:<28}{p50:>10.1f}{p95:>10.1f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
