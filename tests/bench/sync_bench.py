"""Draining the outbox to a loopback central service, beside a plain `requests` loop; and
draining through a poor rural line (`bench_bad_link`).

The plain loop posts the same kind of sealed payloads (same answers, its own instance ids, so
neither side meets the other's replays) one by one on a keep-alive session: the least any
client could do. The worker does everything a kiosk must on top: claim from SQLite, record
each receipt durably, schedule retries; in batches, as this service takes them, and one a
request, as to a service without batches. All drain into the same server, one after the other;
then the batches once more through the fault proxy, each submission checked at central.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

if __name__ == "__main__":  # run alone: python tests/bench/sync_bench.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config import Config, Destination  # noqa: E402
from sync.central.export import export_submissions  # noqa: E402
from sync.central.server import CentralServer  # noqa: E402
from sync.central.setup import init_central  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.support.bad_link import drain_through_bad_link  # noqa: E402
from tests.support.central import Central  # noqa: E402
from tests.sync.faulty_proxy import FAULTS, FaultyProxy  # noqa: E402

COUNT = 10_000
BAD_LINK_COUNT = 120  # issue 19: 30 runs delivered 54 of these before
BAD_LINK_RUNS = 10  # the goal: all of them within this many `kiosk sync --once` runs
BAD_LINK_SEEDS = (1, 2, 3)


def _visit(number: int) -> dict:
    return {"instance_id": f"uuid:{uuid.uuid4()}", "form_id": "report_problem",
            "form_version": "1", "language": "en", "started_at": "2026-11-27T10:00:00+00:00",
            "completed_at": "2026-11-27T10:05:00+00:00", "instance_name": f"Bench {number}",
            "answers": {"location": f"Bench Street {number}", "urgency": "not_urgent",
                        "details": "x" * 400},
            "receipt": []}


def _plain_bodies(key, count: int) -> list[tuple[str, dict]]:
    bodies = []
    for number in range(count):
        visit = _visit(number)
        envelope = json.loads(key.seal(json.dumps(visit, separators=(",", ":")).encode(),
                                       visit["instance_id"]))
        bodies.append((visit["instance_id"], {
            "instance_id": visit["instance_id"], "reference": f"PLAIN-{number}",
            "form_id": visit["form_id"], "form_version": visit["form_version"],
            "device_id": "bench", "created_at": "2026-11-27T10:05:00+00:00",
            "envelope": envelope}))
    return bodies


def _kiosk(folder: Path, server_url: str, init, count: int, **destination) -> Config:
    """A kiosk's config for the bench service, with `count` submissions waiting."""
    config = Config(data_dir=folder, site_id="BENCH", destinations={"central": Destination(
        url=server_url, device_id="bench", token=init.device_token, public_key=init.public_key,
        key_fingerprint=init.key_fingerprint, **destination)})
    with config.open_store() as store:
        for number in range(count):
            store.outbox.submit(_visit(number))
    return config


def _drain(config: Config, most_rounds: int = 1) -> tuple[float, int]:
    """Rounds ("Send now") until nothing waits: the seconds taken and the rounds run."""
    with config.open_store() as store:
        worker = SyncWorker(store, config)
        try:
            start = time.perf_counter()
            result, rounds = worker.run_once(send_all=True), 1
            while result.waiting and rounds < most_rounds:
                result, rounds = worker.run_once(send_all=True), rounds + 1
            seconds = time.perf_counter() - start
        finally:
            worker.close()
        assert result.waiting == 0 and store.outbox.queue_summary().counts["rejected"] == 0
    return seconds, rounds


def bench_drain(count: int = COUNT) -> dict[str, float]:
    """The plain loop, the worker in batches (as to this service), the worker one a request
    (as to a service without batches), and the worker in batches through the fault proxy,
    each submission then checked to be at central exactly once with its answers."""
    with tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-") as folder:
        folder = Path(folder)
        init = init_central(folder / "central", "http://127.0.0.1:8765", device_id="bench")
        server = CentralServer(folder / "central", log=lambda line: None).start()
        try:
            batched = _kiosk(folder / "batched", server.url, init, count)
            single = _kiosk(folder / "single", server.url, init, count, max_batch=1)
            with batched.open_store() as store:
                bodies = _plain_bodies(store.outbox.sealers["central"], count)
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {init.device_token}"
                start = time.perf_counter()
                for instance_id, body in bodies:
                    answer = session.post(f"{server.url}/v1/submissions", json=body, timeout=20,
                                          headers={"Idempotency-Key": instance_id})
                    assert answer.status_code == 201, answer.text
                plain = time.perf_counter() - start
            worker, _ = _drain(batched)
            worker_single, _ = _drain(single)
        finally:
            server.stop()
        faulty = _through_faults(folder, count)
    return {"plain": plain, "worker": worker, "worker_single": worker_single, **faulty}


def _through_faults(folder: Path, count: int) -> dict[str, float]:
    """`count` drained in batches through the fault proxy (drops, 5xx, stalls, answers cut
    after the commit), then every one checked at central: once, with its answers."""
    init = init_central(folder / "faulty-central", "http://127.0.0.1:8765", device_id="bench")
    server = CentralServer(folder / "faulty-central", log=lambda line: None).start()
    try:
        with FaultyProxy(int(server.url.rsplit(":", 1)[1]), seed=19, stall_seconds=1.0,
                         first=FAULTS) as proxy:
            config = _kiosk(folder / "faulty", proxy.url, init, count, timeout_seconds=0.5,
                            retry_first_seconds=0.01, retry_max_seconds=0.05)
            seconds, rounds = _drain(config, most_rounds=50)
            faults = dict(proxy.counts)
    finally:
        server.stop()
    received = list(export_submissions(folder / "faulty-central"))
    ids = [row["instance_id"] for row in received]
    places = sorted(row["answers"]["location"] for row in received)  # each visit's own answer
    exactly_once = len(ids) == len(set(ids)) == count and places == sorted(
        f"Bench Street {number}" for number in range(count))
    print(f"through the fault proxy: {count} in {seconds:.1f} s, {rounds} rounds, "
          f"faults {faults}; at central exactly once: {exactly_once}")
    assert exactly_once, (len(ids), len(set(ids)))
    return {"faulty": seconds, "faulty_rounds": rounds,
            "faulty_requests_per_submission": sum(faults.values()) / count}


# A server that hangs, trickles or answers 200 MB (tests/support/misbehaving.py), each met by
# one `kiosk sync --once` round in a process of its own: how long the round took and how much
# its peak memory grew. The requests are bounded by the destination's deadline and size cap,
# the round by its budget (docs/sync.md); the numbers say what they cost in the worst case.
MISBEHAVING = {
    "hang, 10 waiting": ("hang", {}, 10),
    "trickle, a byte every 0.5 s": ("trickle", {"every": 0.5, "length": 240}, 1),
    "trickle, the headers": ("trickle_head", {"every": 0.5}, 1),
    "200 MB answer, with its length": ("huge", {}, 1),
    "200 MB answer, no length": ("huge", {"declared": False}, 1),
}
BOUNDED = {"destination_timeout_seconds": 2, "destination_request_deadline_seconds": 5,
           "sync_round_budget_seconds": 8}


def bench_misbehaving(settings: dict | None = None, give_up: float = 900,
                      say=lambda name, measured: None) -> dict[str, dict]:
    """Each scenario's round: seconds, peak_growth_mb, and what it said; a round still going
    after `give_up` seconds is stopped and counted as that long ("gave_up")."""
    import subprocess

    from tests.support.misbehaving import misbehaving, stop_misbehaving
    from tests.support.round_child import measure_round, waiting_kiosk
    from tests.sync.loopback import LoopbackServer

    found = {}
    for name, (mode, options, waiting) in MISBEHAVING.items():
        handler = misbehaving(mode, **options)
        with tempfile.TemporaryDirectory(prefix="kiosk-deadline-bench-") as folder, \
                LoopbackServer(handler) as server:
            try:
                config = waiting_kiosk(Path(folder), server.url, waiting,
                                       **(BOUNDED if settings is None else settings))
                found[name] = measure_round(config, timeout=give_up)
            except subprocess.TimeoutExpired:
                found[name] = {"seconds": give_up, "peak_growth_mb": float("nan"),
                               "retried": 0, "waiting": waiting, "gave_up": True}
            finally:
                stop_misbehaving(handler)
        say(name, found[name])
    return found


def _say(scenario: str, measured: dict) -> None:
    print(f"{scenario:<32} {'>' if measured.get('gave_up') else ' '}{measured['seconds']:6.1f} s  "
          f"peak +{measured['peak_growth_mb']:5.0f} MB  {measured['retried']} to retry, "
          f"{measured['waiting']} waiting", flush=True)


def bench_bad_link(count: int = BAD_LINK_COUNT, seeds: tuple[int, ...] = BAD_LINK_SEEDS,
                   max_batch: int = 50) -> dict[str, float]:
    """`kiosk sync --once`, run as IT would, through the fault proxy's BAD_LINK (about 45 % of
    requests pass) to a loopback central, once per seed: runs needed, submissions drained per
    run, requests per delivered submission (the worst seed and the median)."""
    runs, per_run, per_delivered = [], [], []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="kiosk-bad-link-bench-") as folder:
            folder = Path(folder)
            init = init_central(folder / "central", "http://127.0.0.1:8765", device_id="hall-7")
            server = CentralServer(folder / "central", log=lambda line: None).start()
            try:
                drain = drain_through_bad_link(folder, Central(folder / "central", init, server, []),
                                               count, most_runs=BAD_LINK_RUNS * 3, seed=seed,
                                               max_batch=max_batch)
            finally:
                server.stop()
        assert drain.delivered == count, f"seed {seed}: {drain.delivered_per_run}"
        print(f"bad link, max_batch {max_batch}, seed {seed}: {count} drained in {drain.runs} runs "
              f"(per run {drain.delivered_per_run}), {drain.requests} requests, "
              f"{drain.requests_per_delivered:.2f} per delivered; faults {drain.faults}")
        runs.append(drain.runs)
        per_run.append(count / drain.runs)
        per_delivered.append(drain.requests_per_delivered)
    return {"runs_worst": max(runs), "drained_per_run_median": statistics.median(per_run),
            "drained_per_run_worst": min(per_run),
            "requests_per_delivered_median": statistics.median(per_delivered),
            "requests_per_delivered_worst": max(per_delivered)}


if __name__ == "__main__":
    # python -m tests.bench.sync_bench [bounded|defaults [give up after s] | bad-link]
    chosen = sys.argv[1] if len(sys.argv) > 1 else "bounded"
    if chosen == "bad-link":
        for name, value in bench_bad_link().items():
            print(f"{name:<32} {value:8.2f}")
    else:
        bench_misbehaving({"defaults": {}, "bounded": None}[chosen],
                          float(sys.argv[2]) if len(sys.argv) > 2 else 900, say=_say)
