"""The fleet simulation `make bench` runs (tests/bench/fleet), played for a few seconds by 20
kiosks against a real central on loopback, so the bench cannot rot: every request answered as
the contract says, every submission stored once, and lost answers replayed with their receipt."""

from __future__ import annotations

from collections import Counter

from tests.bench.fleet.central import enrol_fleet
from tests.bench.fleet.kiosk import Tally
from tests.bench.fleet.simulation import Workload, report, run_fleet

# 20 kiosks for 3 s at 300 times real time: 15 busy minutes, about 50 visits; a round every
# 0.1 s, a heartbeat every second; a third of the answers "lost" and sent again.
FEW = Workload(kiosks=20, seconds=3, grace_seconds=10, speedup=300, replay_share=0.3)


def test_a_small_fleet_is_answered_as_the_contract_says_and_nothing_is_lost_or_doubled(service):
    fleet = enrol_fleet(service.data_dir, service.init, FEW.kiosks)

    result = run_fleet(service.url, fleet, FEW)

    assert result["errors"] == {}
    assert result["submissions"] > 10
    assert result["lost"] == 0 and result["doubled"] == 0, result["lost_detail"]
    assert result["receipted"] == result["submissions"]
    assert result["replays_checked"] > 0
    answered = result["answered"]
    for seen in ("GET /health 200", "GET /v1/consultations 304", "GET /v1/forms 304",
                 "POST /v1/devices/{id}/heartbeat 200", "POST /v1/submissions 201",
                 "POST /v1/submissions 200"):
        assert answered.get(seen), (seen, answered)
    assert answered["POST /v1/submissions 200"] == result["replays_checked"]


def test_the_fleet_report_counts_a_submission_missing_from_the_store_and_one_stored_twice():
    tally = Tally()
    tally.made = {"uuid:kept": {"r1"}, "uuid:missing": {"r2"}, "uuid:twice": {"r3"},
                  "uuid:no-receipt": set()}
    stored = Counter({"uuid:kept": 1, "uuid:twice": 2, "uuid:no-receipt": 1})

    result = report(tally, 1.0, 0.0, stored, FEW, 0.0)

    assert result["lost"] == 2 and result["doubled"] == 1
    assert result["lost_detail"] == {"never receipted": 1, "receipted, not stored": 1,
                                     "stored, never receipted": 1}
