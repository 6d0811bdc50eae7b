"""The fleet at work for a bounded time, then every submission looked for at the central.

The busy day assumed (Workload): 40 visits a kiosk a day within 8 opening hours, the busiest
hour at twice the day's mean rate, so 10 visits an hour a kiosk, each kiosk's visits a Poisson
process; the kiosk's own intervals (kiosk/config.py defaults): a round every 30 s, the forms
every 15 min, a heartbeat every 5 min. All of it runs `speedup` times faster than real time.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
import requests

from kiosk.sealing import SealingKey
from kiosk.signed_receipts import ReceiptKey

from .kiosk import SimulatedKiosk, Tally


@dataclass(frozen=True)
class Workload:
    kiosks: int = 1000
    seconds: float = 60.0  # visits are finished during this long
    grace_seconds: float = 15.0  # then what still waits has this long to land
    speedup: float = 10.0  # simulated seconds per real second
    visits_per_day: float = 40.0
    opening_hours: float = 8.0
    peak: float = 2.0  # the busiest hour, against the day's mean
    round_seconds: float = 30.0  # sync_interval_seconds
    heartbeat_seconds: float = 300.0  # heartbeat_minutes
    forms_seconds: float = 900.0  # forms_pull_minutes
    replay_share: float = 0.03  # delivered submissions whose answer is "lost": sent again
    # False: each kiosk's connection is open before the clock starts, as in a fleet at work
    # since the morning. True: all connect within their first (compressed) round, as after
    # the central restarted: a storm of connections `speedup` times denser than a real one.
    cold_start: bool = False
    seed: int = 22
    timeout_seconds: float = 20.0  # the kiosk's own timeouts, not compressed
    connect_timeout_seconds: float = 5.0

    def every(self, real_seconds: float) -> float:
        return real_seconds / self.speedup

    @property
    def visits_per_second(self) -> float:
        """One kiosk's visits a (compressed) second."""
        return self.visits_per_day / self.opening_hours / 3600 * self.peak * self.speedup

    def describe(self) -> str:
        return (f"{self.kiosks} kiosks, {self.seconds:g} s x{self.speedup:g} "
                f"(= {self.seconds * self.speedup / 60:.3g} busy minutes): "
                f"{self.visits_per_second * self.kiosks:.1f} visits/s, a round every "
                f"{self.every(self.round_seconds):g} s, heartbeat every "
                f"{self.every(self.heartbeat_seconds):g} s, forms every "
                f"{self.every(self.forms_seconds):g} s, {self.replay_share:.0%} replayed"
                + (", all connecting at once" if self.cold_start else ""))


@dataclass(frozen=True)
class Fleet:
    """What the fleet needs to talk to a central: its keys and every kiosk's token."""

    admin_token: str
    public_key: str
    key_fingerprint: str
    receipt_key: str
    devices: dict[str, str]  # device id -> token

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> Fleet:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def run_fleet(url: str, fleet: Fleet, workload: Workload) -> dict[str, Any]:
    """Play the fleet against `url`, check the central's store, and report."""
    cpu = _cpu_seconds()
    tally, started, elapsed = asyncio.run(_play(url.rstrip("/"), fleet, workload))
    client_cpu = _cpu_seconds() - cpu
    stored = stored_counts(url.rstrip("/"), fleet.admin_token, set(tally.made))
    # The rate while the whole fleet is at work: the grace time's stragglers would dilute it.
    in_window = sum(1 for moment in tally.ended if moment <= started + workload.seconds)
    return report(tally, elapsed, in_window / workload.seconds, stored, workload, client_cpu)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _play(url: str, fleet: Fleet, workload: Workload) -> tuple[Tally, float, float]:
    """The tally, when the fleet started (monotonic) and how long it ran."""
    devices = sorted(fleet.devices.items())[:workload.kiosks]
    if len(devices) < workload.kiosks:
        raise SystemExit(f"The fleet file has {len(devices)} devices, not {workload.kiosks}.")
    key = SealingKey.from_text(fleet.public_key, fleet.key_fingerprint)
    receipt_key = ReceiptKey.from_text(fleet.receipt_key)
    timeout = aiohttp.ClientTimeout(total=workload.timeout_seconds,
                                    connect=workload.connect_timeout_seconds)
    etags = await _current_etags(url, devices[0][1])
    tally = Tally()
    kiosks = [SimulatedKiosk(device_id, token, url, key, receipt_key, tally,
                             random.Random(f"{workload.seed}:{device_id}"), etags, timeout,
                             workload.replay_share) for device_id, token in devices]
    loop = asyncio.get_running_loop()
    try:
        if not workload.cold_start:
            await _connect(kiosks)
        start = loop.time()
        await asyncio.gather(*(_live(kiosk, workload, start) for kiosk in kiosks))
    finally:
        await asyncio.gather(*(kiosk.close() for kiosk in kiosks))
    return tally, start, loop.time() - start


async def _current_etags(url: str, token: str) -> dict[str, str | None]:
    """The catalogue's and the results' ETags now: the fleet has been up since the morning,
    so most of its polls are answered 304 (not timed, not counted)."""
    etags: dict[str, str | None] = {}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        for path in ("/v1/forms", "/v1/consultations"):
            async with http.get(url + path) as response:
                await response.read()
                if response.status != 200:
                    raise SystemExit(f"GET {path} answered {response.status}: is {url} a "
                                     "central service, and the fleet file its own?")
                etags[path] = response.headers.get("ETag")
    return etags


async def _connect(kiosks: list[SimulatedKiosk], at_once: int = 50) -> None:
    """Each kiosk's keep-alive connection opened (not timed, not counted)."""
    gate = asyncio.Semaphore(at_once)

    async def connect(kiosk: SimulatedKiosk) -> None:
        async with gate:
            await kiosk.connect()

    await asyncio.gather(*(connect(kiosk) for kiosk in kiosks))


async def _live(kiosk: SimulatedKiosk, workload: Workload, start: float) -> None:
    """One kiosk's day: visits finished at random, each sent at once; a round on its timer.
    After the visits end a kiosk stops once nothing waits, or when the grace time is up."""
    loop, rng = asyncio.get_running_loop(), kiosk.rng
    visits_end = start + workload.seconds
    hard_end = visits_end + workload.grace_seconds
    rate = workload.visits_per_second
    every = workload.every
    # Each kiosk at its own point in its cycles, as a fleet started over a morning would be.
    next_round = start + rng.uniform(0, every(workload.round_seconds))
    next_visit = start + rng.expovariate(rate)
    next_forms = start + rng.uniform(0, every(workload.forms_seconds))
    next_beat = start + rng.uniform(0, every(workload.heartbeat_seconds))
    while True:
        now = loop.time()
        visiting = now < visits_end
        if not visiting and (not kiosk.busy or now >= hard_end):
            return
        wake = min(next_round, next_visit, visits_end) if visiting else min(next_round, hard_end)
        await asyncio.sleep(max(0.0, wake - now))
        now = loop.time()
        send_now = False
        while next_visit <= now < visits_end:
            kiosk.finish_visit()  # the UI wakes the worker: sent at once
            next_visit += rng.expovariate(rate)
            send_now = True
        if send_now or now >= next_round:
            pulled, beat = await kiosk.round(now >= next_forms, now >= next_beat)
            after = loop.time()
            next_forms = after + every(workload.forms_seconds) if pulled else next_forms
            next_beat = after + every(workload.heartbeat_seconds) if beat else next_beat
            next_round = after + every(workload.round_seconds)


def stored_counts(url: str, admin_token: str, wanted: set[str]) -> Counter[str]:
    """How many times each of `wanted` is in the central's listing (GET /v1/submissions with
    the admin token, page after page)."""
    counts: Counter[str] = Counter()
    after = None
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {admin_token}"
        while True:
            params = {"limit": "1000", **({"after": after} if after else {})}
            response = http.get(url + "/v1/submissions", params=params, timeout=120)
            response.raise_for_status()
            page = response.json()
            counts.update(item["instance_id"] for item in page["submissions"]
                          if item["instance_id"] in wanted)
            after = page.get("next")
            if not after:
                return counts


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(tally: Tally, elapsed: float, rate: float, stored: Counter[str], workload: Workload,
           client_cpu: float) -> dict[str, Any]:
    never_receipted = {iid for iid, receipts in tally.made.items() if not receipts}
    not_stored = {iid for iid in tally.made if stored[iid] == 0}
    doubled = {iid for iid, receipts in tally.made.items()
               if stored[iid] > 1 or len(receipts) > 1}
    return {
        "workload": asdict(workload), "described": workload.describe(),
        "seconds": elapsed, "submissions": len(tally.made),
        "receipted": len(tally.made) - len(never_receipted),
        "submit_ms": {name: percentile(tally.submit_ms, share)
                      for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))},
        "submits_answered": len(tally.submit_ms),
        "ms_by_route": {route: {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}
                        for route, times in sorted(tally.ms.items())},
        "requests": tally.requests, "requests_per_second": rate,
        "answered": dict(sorted(tally.answered.items())),
        "errors": dict(sorted(tally.errors.items())), "error_count": sum(tally.errors.values()),
        "lost": len(never_receipted | not_stored),
        "lost_detail": {"never receipted": len(never_receipted),
                        "receipted, not stored": len(not_stored - never_receipted),
                        "stored, never receipted": len(never_receipted - not_stored)},
        "doubled": len(doubled), "replays_checked": tally.replays_checked,
        "client_cpu_seconds": client_cpu, "client_cpu_share": client_cpu / elapsed,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def summary(result: dict[str, Any]) -> str:
    """The report for a person: the numbers issue 22 asks for, then what was answered."""
    ms = result["submit_ms"]
    lines = [result["described"],
             f"submissions: {result['submissions']} made, {result['receipted']} receipted, "
             f"{result['replays_checked']} lost answers replayed and answered with the same "
             "receipt",
             f"submit latency: p50 {ms['p50']:.1f} ms, p95 {ms['p95']:.1f} ms, "
             f"p99 {ms['p99']:.1f} ms ({result['submits_answered']} answered)",
             f"requests: {result['requests']} in {result['seconds']:.1f} s, "
             f"{result['requests_per_second']:.0f}/s while visits were made; client CPU "
             f"{result['client_cpu_seconds']:.1f} s ({result['client_cpu_share']:.0%} of a core)",
             f"errors: {result['error_count']}, lost: {result['lost']} "
             f"{result['lost_detail']}, doubled: {result['doubled']}"]
    lines += [f"  time   {route}: p50 {times['p50']:.1f} ms, p95 {times['p95']:.1f} ms"
              for route, times in result["ms_by_route"].items()]
    lines += [f"  error  {kind}: {count}" for kind, count in result["errors"].items()]
    lines += [f"  answer {kind}: {count}" for kind, count in result["answered"].items()]
    return "\n".join(lines)
