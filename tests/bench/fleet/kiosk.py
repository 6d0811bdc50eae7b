"""One simulated kiosk: its visits sealed as the kiosk's outbox seals them, and its requests as
sync/transport.py makes them, each answer checked against what the contract promises."""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from kiosk.sealing import SealingKey
from kiosk.signed_receipts import ReceiptKey
from kiosk.store import codes
from kiosk.version import version

# What a kiosk retries later rather than gives up on (sync/transport.py: RETRY_STATUSES, 5xx).
RETRY_LATER = {408, 425, 429}
VERSION = version()


@dataclass
class Tally:
    """What the whole fleet saw: shared by every kiosk (one event loop, so no lock)."""

    answered: Counter[str] = field(default_factory=Counter)  # "GET /v1/forms 304" -> count
    errors: Counter[str] = field(default_factory=Counter)  # kind -> count
    ms: dict[str, list[float]] = field(default_factory=dict)  # route -> each answer's time

    @property
    def submit_ms(self) -> list[float]:
        """Every POST /v1/submissions answered, replays and retries included."""
        return self.ms.get("POST /v1/submissions", [])
    made: dict[str, set[str]] = field(default_factory=dict)  # instance id -> receipt ids got
    replays_checked: int = 0  # lost answers sent again and answered 200 with the same receipt
    ended: list[float] = field(default_factory=list)  # when each request ended (monotonic)

    @property
    def requests(self) -> int:
        return sum(self.answered.values()) + sum(
            count for kind, count in self.errors.items() if kind.startswith("no answer"))


@dataclass
class Pending:
    """A submission in a kiosk's outbox: the body it sends and the digest its receipt must name."""

    body: dict[str, Any]
    content_sha256: str
    receipt_id: str | None = None  # set once delivered; a replay must get this one back


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Any
    body: bytes


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _made_up_answers(rng: random.Random, number: int) -> tuple[str, str, dict[str, Any]]:
    """A finished visit's form id, version and answers (invented, never a person's)."""
    if rng.random() < 0.3:  # a consultation is open: some visitors have their say
        return "market_square_consultation", "2026-11-27", {
            "plan": rng.choice(["plan_a_trees", "plan_b_market_hall", "plan_c_parking"])}
    return "report_problem", "2026-11-27", {
        "category": "pothole", "problem_detail": "pothole_road",
        "location": f"Fleet Street {number}", "urgency": rng.choice(["urgent", "not_urgent"]),
        "noticed_date": "2026-11-27", "problem_description": "x" * rng.randint(20, 400)}


class SimulatedKiosk:
    def __init__(self, device_id: str, token: str, base: str, key: SealingKey,
                 receipt_key: ReceiptKey, tally: Tally, rng: random.Random,
                 etags: dict[str, str | None], timeout: aiohttp.ClientTimeout,
                 replay_share: float):
        self.device_id, self.base, self.key, self.receipt_key = device_id, base, key, receipt_key
        self.tally, self.rng, self.replay_share = tally, rng, replay_share
        self.etags = dict(etags)  # as a kiosk that ran earlier today holds them
        self.outbox: list[Pending] = []
        self.replays: list[Pending] = []  # delivered, but "the answer was lost": sent again
        self.audit = [hashlib.sha256(device_id.encode()).hexdigest()]  # the log's entry hashes
        self.anchor: int | None = None  # the entry the central anchored last
        self.visits = 0
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1),  # one kiosk, one connection, kept alive
            timeout=timeout, headers={"Authorization": f"Bearer {token}",
                                      "User-Agent": "public-service-kiosk/fleet"})

    async def connect(self) -> None:
        """Open the connection the kiosk keeps (GET /health, its answer not counted)."""
        async with self.http.get(self.base + "/health") as response:
            await response.read()
            if response.status != 200:
                raise SystemExit(f"GET /health answered {response.status}: is {self.base} a "
                                 "central service?")

    async def close(self) -> None:
        await self.http.close()

    # -- a visit ---------------------------------------------------------------------------
    def finish_visit(self) -> None:
        """A citizen pressed Send: stored, sealed and queued, as Outbox.submit does."""
        self.visits += 1
        form_id, form_version, answers = _made_up_answers(self.rng, self.visits)
        instance_id = f"uuid:{uuid.uuid4()}"  # unique across runs against one central
        reference, created_at = codes.new_reference(self.device_id), _now()
        inside = {"instance_id": instance_id, "form_id": form_id, "form_version": form_version,
                  "language": "en", "answers": answers, "receipt": [],
                  "reference": reference, "created_at": created_at, "device_id": self.device_id}
        payload = json.dumps(inside, ensure_ascii=False, separators=(",", ":")).encode()
        envelope = json.loads(self.key.seal(payload, instance_id))
        body = {"instance_id": instance_id, "reference": reference, "form_id": form_id,
                "form_version": form_version, "device_id": self.device_id,
                "created_at": created_at, "envelope": envelope}
        self.outbox.append(Pending(body, hashlib.sha256(payload).hexdigest()))
        self.tally.made[instance_id] = set()
        self._audit_entry(instance_id)

    def _audit_entry(self, what: str) -> None:
        self.audit.append(hashlib.sha256((self.audit[-1] + what).encode()).hexdigest())

    @property
    def busy(self) -> bool:
        return bool(self.outbox or self.replays)

    # -- a round, as SyncWorker.run_once ----------------------------------------------------
    async def round(self, forms_due: bool, heartbeat_due: bool) -> tuple[bool, bool]:
        """Probe, send what waits, pull results (and forms, heartbeat when due). Whether the
        forms were pulled and the heartbeat taken (else they are due again next round)."""
        health = await self._request("GET", "/health", {200})
        if health is None or health.status != 200:
            return False, False  # offline: the worker tries again next round
        for pending in list(self.outbox):
            await self._send(pending)
        for pending in list(self.replays):
            await self._replay(pending)
        await self._conditional("/v1/consultations")
        pulled = forms_due and await self._conditional("/v1/forms")
        beat = heartbeat_due and await self._heartbeat()
        return pulled, beat

    async def _send(self, pending: Pending) -> None:
        answer = await self._submit(pending, {200, 201})
        if answer is None:
            return  # no answer, or one that says "later": it stays in the outbox
        if answer.status in (200, 201):
            receipt_id = self._receipt(answer, pending)
            if receipt_id is None:
                return  # not a receipt for this submission: counted, and sent again
            pending.receipt_id = receipt_id
            self.outbox.remove(pending)
            if self.rng.random() < self.replay_share:
                self.replays.append(pending)
        elif answer.status < 500 and answer.status not in RETRY_LATER:
            self.outbox.remove(pending)  # rejected: the kiosk gives up on it (counted as lost)

    async def _replay(self, pending: Pending) -> None:
        """The answer to this delivered submission "was lost": the kiosk sends it again, and
        the central must say 200 with the same receipt, storing nothing new."""
        answer = await self._submit(pending, {200})
        if answer is None:
            return
        self.replays.remove(pending)
        if answer.status != 200:
            return  # counted by _request as an answer the contract does not allow
        receipt_id = self._receipt(answer, pending)
        if receipt_id is None:
            return
        if receipt_id != pending.receipt_id or \
                answer.headers.get("Idempotent-Replayed") != "true":
            self.tally.errors["replay: not the first receipt, or not marked replayed"] += 1
        else:
            self.tally.replays_checked += 1

    async def _submit(self, pending: Pending, expected: set[int]) -> Answer | None:
        return await self._request("POST", "/v1/submissions", expected, json=pending.body,
                                   headers={"Idempotency-Key": pending.body["instance_id"]})

    def _receipt(self, answer: Answer, pending: Pending) -> str | None:
        """The receipt id, when the answer is the central's signed receipt for this very
        submission (as RestTransport._delivery checks it); None, counted, otherwise."""
        try:
            receipt = json.loads(answer.body)
        except ValueError:
            receipt = None
        if not (isinstance(receipt, dict) and
                receipt.get("instance_id") == pending.body["instance_id"] and
                isinstance(receipt.get("receipt_id"), str) and
                self.receipt_key.verifies(receipt) and
                receipt.get("payload_sha256") == pending.content_sha256):
            self.tally.errors["receipt: not signed for this submission"] += 1
            return None
        self.tally.made[pending.body["instance_id"]].add(receipt["receipt_id"])
        return str(receipt["receipt_id"])

    async def _conditional(self, path: str) -> bool:
        etag = self.etags.get(path)
        answer = await self._request("GET", path, {200, 304},
                                     headers={"If-None-Match": etag} if etag else {})
        if answer is None or answer.status not in (200, 304):
            return False
        if answer.status == 200:
            self.etags[path] = answer.headers.get("ETag")
        return True

    async def _heartbeat(self) -> bool:
        """The report SyncWorker._heartbeat sends, with the audit log's head and the entry
        the central anchored last; its verdict is checked."""
        self._audit_entry("heartbeat")
        report = {"queue_depth": len(self.outbox), "rejected": 0, "oldest_waiting": None,
                  "last_sync_at": _now(), "version": VERSION, "free_disk_bytes": 40 * 2**30,
                  "audit": {"head_seq": len(self.audit) - 1, "head_hash": self.audit[-1],
                            "anchor_seq": self.anchor,
                            "anchor_hash": None if self.anchor is None
                            else self.audit[self.anchor]}}
        answer = await self._request("POST", f"/v1/devices/{self.device_id}/heartbeat", {200},
                                     json=report)
        if answer is None or answer.status != 200:
            return False
        verdict = json.loads(answer.body).get("audit") or {}
        if verdict.get("state") != "ok":
            self.tally.errors[f"heartbeat: audit {verdict.get('state')}"] += 1
        if isinstance(verdict.get("anchor_seq"), int):
            self.anchor = verdict["anchor_seq"]
        return True

    # -- one request -------------------------------------------------------------------------
    async def _request(self, method: str, path: str, expected: set[int],
                       **options: Any) -> Answer | None:
        """The answer, read whole; None when there was none (counted by kind). A status the
        contract does not allow for this request is counted as an error too."""
        route = "POST /v1/devices/{id}/heartbeat" if path.endswith("/heartbeat") \
            else f"{method} {path}"
        started = time.perf_counter()
        answer = await self._exchange(method, path, options)
        self.tally.ended.append(time.monotonic())
        if isinstance(answer, str):
            self.tally.errors[f"no answer: {answer} ({route})"] += 1
            return None
        self.tally.ms.setdefault(route, []).append((time.perf_counter() - started) * 1000)
        self.tally.answered[f"{route} {answer.status}"] += 1
        if answer.status not in expected:
            self.tally.errors[f"{route} answered {answer.status}"] += 1
        return answer

    async def _exchange(self, method: str, path: str, options: dict[str, Any]) -> Answer | str:
        """The answer read whole, or why there was none."""
        try:
            async with self.http.request(method, self.base + path, allow_redirects=False,
                                         **options) as response:
                return Answer(response.status, response.headers, await response.read())
        except aiohttp.ConnectionTimeoutError:
            return "no connection within the timeout"
        except TimeoutError:  # connected, but the answer did not come in time
            return "timeout"
        except aiohttp.ClientConnectorError:
            return "connection refused or failed"
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
            return "connection reset"
        except aiohttp.ClientError as error:
            return type(error).__name__
