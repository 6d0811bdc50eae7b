"""The central service's documented deployment (build/central/: nginx with TLS in front of
gunicorn with sync/central/web/gunicorn_conf.py) attacked on loopback as a hostile client
would (issue 22, "The server holds under abuse"). The measured figures at full size are
tests/bench/abuse_bench.py's; here, the behaviour a kiosk or IT would notice."""

from __future__ import annotations

import time

import pytest

from tests.support.abuse import (
    Legitimate,
    memory_kb,
    raw_exchange,
    simultaneous_kiosks,
    slow_attack_with_kiosk,
    unauthenticated_bodies,
)
from tests.support.central_stack import CentralStack
from tests.support.malformed import CASES, Malformed

pytestmark = pytest.mark.network  # nginx and gunicorn, in processes of their own


def _gunicorn_log(stack: CentralStack) -> str:
    return (stack.folder / "gunicorn-access.log").read_text()


def test_300_slow_clients_leave_a_kiosk_served_and_never_reach_a_worker(deployed_central):
    before = _gunicorn_log(deployed_central).count("/v1/submissions")
    attack, kiosk = slow_attack_with_kiosk(deployed_central, 300, ramp_seconds=5,
                                           measure_seconds=12)
    assert kiosk.failures == [] and len(kiosk.latencies_ms) >= 10
    # The attack really held its connections while the kiosk was served.
    assert attack.held and max(attack.held) >= 285  # a few may be reconnecting at any instant
    # Headers that never end and bodies that never finish stay with nginx: not one of those
    # requests was passed to gunicorn.
    assert _gunicorn_log(deployed_central).count("/v1/submissions") == before


def test_500_kiosks_at_once_are_all_answered(deployed_central):
    assert simultaneous_kiosks(deployed_central, 500) == {"200": 500}


def test_300_big_bodies_without_a_token_are_refused_and_no_worker_holds_one(deployed_central):
    workers = deployed_central.worker_pids()
    peak_before = {pid: memory_kb(pid) for pid in workers}
    assert unauthenticated_bodies(deployed_central, 300) == {"401": 300}
    growth_mb = max(memory_kb(pid) - peak_before[pid] for pid in workers) / 1024
    # A worker that read one body whole and parsed it would have held 10 MB at once (its
    # bytes and its text); the 300 grew none by that (measured: about 4 MB after the first
    # ten, then flat, in the allocator, whatever the count).
    assert growth_mb < 8, f"a worker's peak memory grew by {growth_mb:.1f} MB"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_malformed_input_is_answered_4xx_never_5xx(deployed_central, case: Malformed):
    status = raw_exchange(deployed_central, case.request(deployed_central))
    assert status in case.expected, f"{case.name}: answered {status or 'nothing'} ({case.why})"


def test_a_kiosk_is_still_served_after_the_malformed_requests(deployed_central):
    kiosk = Legitimate(deployed_central)
    kiosk.one()
    assert kiosk.failures == []


def test_the_logs_never_hold_a_status_pages_reference(deployed_central):
    reference = "LIB01-K7QFM-2XD9H"
    raw_exchange(deployed_central, f"GET /status?ref={reference} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Referer: https://127.0.0.1/status?ref={reference}\r\n"
                 f"Connection: close\r\n\r\n".encode())
    files = [deployed_central.folder / "gunicorn-access.log",
             deployed_central.folder / "nginx" / "logs" / "access.log"]
    # Each writes its line just after the answer has gone: wait for it.
    deadline = time.monotonic() + 30
    while not all("/status" in path.read_text() for path in files) and time.monotonic() < deadline:
        time.sleep(0.05)
    logs = [path.read_text() for path in files]
    assert all("/status" in log for log in logs)  # the visit is logged...
    assert not any(reference in log for log in logs)  # ...but not whose it was
