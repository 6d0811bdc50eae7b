"""The outbox worker: gets every stored submission to its destination exactly once.

A round, per destination: probe the service; learn its sealing key (pinned fingerprint) and
seal what still waits under the install key; then claim due submissions in batches, post each
with its instance id as the idempotency key, and record the answers batch by batch. The
service is idempotent, so anything cut short (a crash, SIGKILL, a dropped answer) is simply
sent again and the same receipt comes back. A flaky link is used to the end of the queue, a
down one given up on after 3 requests (sync/link_watch.py); answers that say the address is
wrong pause the destination for IT instead of rejecting submissions. Headless (`kiosk sync`)
and in the kiosk alike; one worker per database at a time (sync/lock.py).

An OpenRosa destination (sync/openrosa/) goes the same way, with its own transport; its sealer
needs the forms, so whoever builds the store gives it one (sync/sealers.py), and the worker
tells it when new form versions arrive and which version the server knows each form by. What
the worker learnt of the server's forms (their versions and the paths of their XForms) is kept
in the settings table (`openrosa_forms:NAME`) for the next start, so an unchanged XForm is not
fetched again. Heartbeats and form updates stay with the REST central service.
"""

from __future__ import annotations

import logging
import random
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from kiosk.sealing import SealingError
from kiosk.signed_receipts import ReceiptKey, ReceiptKeyError
from kiosk.store import Outgoing, QueueSummary, Store, SyncNote
from kiosk.store.clock import iso
from kiosk.version import version

from .forms_pull import pull_forms
from .link_watch import TRIES_PER_ROUND, LinkWatch, Wave, lost_on_the_way
from .lock import WorkerLock
from .openrosa.documents import ServerXForm
from .openrosa.instance import form_paths
from .openrosa.package import OpenRosaSealer
from .openrosa.transport import OpenRosaTransport
from .progress_pull import pull_progress
from .results_pull import pull_results
from .transport import (
    AuthRefused,
    BatchesRefused,
    BatchOutcome,
    Delivered,
    KeyMismatch,
    LinkDown,
    RestTransport,
    Retry,
    WrongAddress,
)
from .updates_pull import UpdatePull

if TYPE_CHECKING:
    from kiosk.config import Config

BATCH = 50  # claimed from the store at a time (and sent in as few requests as the service takes)
BATCH_BYTES = 900 * 1024  # a batch request's body stays under this
ITEM_OVERHEAD = 400  # a submission's outer fields beside its envelope, in bytes (generous)
RECHECK_STOPPED = timedelta(minutes=15)  # a refused token is tried again this often
log = logging.getLogger("kiosk.sync")
CATALOGUE_DESTINATION = "central"  # heartbeats and form updates go to this one

Progress = Callable[[int, int], None]  # (done, total)


def backoff_seconds(attempts: int, first: float, cap: float, rng: random.Random) -> float:
    """Exponential, capped, with jitter (half fixed, half random) so a site's kiosks coming
    back online together don't all retry in the same second."""
    delay = min(cap, first * 2.0 ** min(max(0, attempts - 1), 40))  # no overflow, ever
    return delay / 2 + rng.random() * delay / 2


DestinationState = Literal["ok", "offline", "stopped"]  # stopped: IT must act


@dataclass
class DestinationResult:
    state: DestinationState = "ok"
    message: str = ""
    delivered: int = 0
    retried: int = 0
    rejected: int = 0


@dataclass
class RoundResult:
    destinations: dict[str, DestinationResult] = field(default_factory=dict)
    forms_changed: bool = False
    waiting: int = 0
    rejected_total: int = 0
    out_of_time: bool = False  # the round's time budget ran out: what was not tried waits

    @property
    def delivered(self) -> int:
        return sum(r.delivered for r in self.destinations.values())

    @property
    def stopped(self) -> bool:
        return any(r.state == "stopped" for r in self.destinations.values())


Transport = RestTransport | OpenRosaTransport


def _requests(transport: Transport, items: list[Outgoing]) -> list[list[Outgoing]]:
    """`items` grouped into the requests that carry them: up to the service's max_batch a
    request, and under BATCH_BYTES (a proxy's default body limit is often 1 MB); a larger
    submission goes alone. One a request to a service without batches, and to OpenRosa."""
    most = transport.max_batch if isinstance(transport, RestTransport) else 1
    groups: list[list[Outgoing]] = []
    size = 0
    for item in items:
        cost = len(item.envelope) + ITEM_OVERHEAD
        if not groups or len(groups[-1]) >= most or size + cost > BATCH_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += cost
    return groups


def _post(transport: Transport, items: list[Outgoing]) -> BatchOutcome:
    """One request: a lone submission as the contract always had it, several as a batch."""
    if len(items) > 1 and isinstance(transport, RestTransport):
        return transport.send_many(items)
    outcome = transport.send(items[0])
    return outcome if isinstance(outcome, Retry) else [outcome]


class SyncWorker:
    def __init__(self, store: Store, config: Config, *, rng: random.Random | None = None,
                 clock: Callable[[], datetime] | None = None):
        # An OpenRosa destination seals with the form each visit was made on: the store was
        # given its sealer (sync/sealers.py), or nothing of it would ever be sent.
        missing = sorted(name for name, dest in config.destinations.items()
                         if dest.type == "openrosa" and name not in store.outbox.sealers)
        if missing:
            raise ValueError(f"the store has no sealer for {', '.join(missing)}: open it with "
                             "config.open_store(sealers=sync.sealers.sealers_for(config))")
        self.store = store
        self.config = config
        self.rng = rng or random.Random()
        self.clock = clock or store.clock
        self._lock_file = WorkerLock(store.path.parent)
        self._lock_file.acquire()  # SyncBusy when another process is sending already
        self.transports: dict[str, Transport] = {
            name: OpenRosaTransport(dest) if dest.type == "openrosa"
            else RestTransport(dest, config.site_id)
            for name, dest in config.destinations.items()}
        for name, transport in self.transports.items():
            if isinstance(transport, OpenRosaTransport):
                self._know_server_forms(name, transport)
        self.stopped: dict[str, tuple[str, datetime]] = {}  # why, and when to look again
        self.paused_until: dict[str, datetime] = {}  # the service asked for a pause
        self._unsigned: set[str] = set()  # services that offered no receipt key
        self._next_heartbeat = self.clock()
        self._next_forms_pull = self.clock()
        self.updates = UpdatePull(store, config, self.clock)
        self._lock = threading.Lock()  # one round at a time, whoever asks
        self._cancel = threading.Event()
        self._round_ends, self._budget_spent = time.monotonic(), False  # see _out_of_time

    def close(self) -> None:
        for transport in self.transports.values():
            transport.close()
        self._lock_file.release()

    def cancel(self) -> None:
        """Stop the round in progress after the request on the wire (for shutting down)."""
        self._cancel.set()

    # -- a round ------------------------------------------------------------------------------
    def run_once(self, send_all: bool = False, progress: Progress | None = None) -> RoundResult:
        """One pass over every destination. `send_all` ignores backoff ("Send now")."""
        with self._lock:
            self._round_ends = time.monotonic() + self.config.sync_round_budget_seconds
            self._budget_spent = False
            # Only this worker sends from this database, so any claim left is one it lost
            # (a crash mid-batch): back in the queue.
            self.store.outbox.recover_interrupted()
            result = RoundResult()
            for name in self._destinations_in_use():
                if self._out_of_time():
                    break  # not tried: its note stays as the last round left it
                outcome = self._round(name, send_all, progress)
                result.destinations[name] = outcome
                now = iso(self.clock())
                note: SyncNote = {"state": outcome.state, "message": outcome.message, "at": now}
                self.store.settings.put(f"sync:{name}", note)
                if outcome.state == "ok":
                    self.store.settings.put("last_sync_at", now)
            reachable = isinstance(self.transports.get(CATALOGUE_DESTINATION), RestTransport) \
                and result.destinations.get(CATALOGUE_DESTINATION,
                                            DestinationResult("offline")).state == "ok"
            moment = self.clock()
            if reachable and moment >= self._next_forms_pull:
                result.forms_changed = self._pull_forms()
            if reachable:  # after sending: a vote just made is in the results fetched
                self._pull_results()
                self._pull_progress()
            summary = self.store.outbox.queue_summary()
            result.waiting = summary.waiting
            result.rejected_total = summary.counts["rejected"]
            result.out_of_time = self._budget_spent
            if reachable and moment >= self._next_heartbeat:
                self._heartbeat(summary)
            if reachable:  # last: a download never holds submissions up
                self._pull_update()
            return result

    def _destinations_in_use(self) -> list[str]:
        return sorted(self.store.outbox.waiting_destinations() | set(self.transports))

    def _round(self, name: str, send_all: bool, progress: Progress | None) -> DestinationResult:
        transport = self.transports.get(name)
        if transport is None:
            return DestinationResult("stopped", f"no [destinations.{name}] in the config: "
                                                "its submissions wait until IT adds it")
        now = self.clock()
        if name in self.stopped:
            why, look_again = self.stopped[name]
            if now < look_again and not send_all:  # "Send now" (IT fixed it?) looks at once
                return DestinationResult("stopped", why)
        if now < self.paused_until.get(name, now) and not send_all:
            return DestinationResult("offline", "the service asked the kiosk to wait")
        watch = LinkWatch()  # this round's requests to this destination
        try:
            self._probe(transport, watch)
            if isinstance(transport, OpenRosaTransport):
                if name in self.store.outbox.waiting_destinations():  # an idle kiosk asks nothing more
                    self._server_forms(name, transport)
            else:
                if transport.needs_key(self.store.outbox.sealers.get(name)):  # none, or rotated
                    key = transport.fetch_key()
                    self.store.settings.put(f"sealing_key:{name}", {"key": key.text})
                    self.store.outbox.set_sealing_key(name, key)
                self._learn_receipt_key(name, transport)
            self.store.outbox.seal_waiting(name)
            outcome = self._send(name, transport, send_all, progress, watch)
            if isinstance(transport, OpenRosaTransport):
                self._keep_server_forms(name, transport)
        except WrongAddress as error:
            outcome = DestinationResult("stopped", str(error))
        except LinkDown as error:
            return DestinationResult("offline", str(error))
        except (AuthRefused, KeyMismatch) as error:
            outcome = DestinationResult("stopped", str(error))
        if outcome.state == "stopped":  # IT must act: looked at again in a while, not each round
            self.stopped[name] = (outcome.message, now + RECHECK_STOPPED)
            self.store.record("sync_stopped", {"destination": name, "why": outcome.message[:300]})
            return outcome
        self.stopped.pop(name, None)
        return outcome

    @staticmethod
    def _probe(transport: Transport, watch: LinkWatch) -> None:
        """Is the destination there? Asked again while the failures could be a flaky link's;
        LinkDown once they say it is down (at most DOWN_AFTER requests)."""
        while True:
            try:
                transport.probe()
            except WrongAddress:
                raise  # a certificate for another name: asking again changes nothing
            except LinkDown:
                watch.failed()
                if watch.down:
                    raise
                continue
            watch.answered()
            return

    def _learn_receipt_key(self, name: str, transport: RestTransport) -> None:
        """The key receipts must be signed with, when the config pins none: the one learnt at
        first contact (kept, so a server answering in the service's place later cannot offer
        its own), else the one the service offers now. A service older than signed receipts
        offers none: asked once per worker, its receipts are taken unsigned meanwhile."""
        if transport.receipt_key is not None or name in self._unsigned:
            return
        kept = self.store.settings.get(f"receipt_key:{name}")
        if isinstance(kept, dict) and isinstance(kept.get("key"), str):
            try:
                transport.receipt_key = ReceiptKey.from_text(kept["key"])
                return
            except ReceiptKeyError:
                pass  # damaged: learnt again
        offered = transport.offered_receipt_key()
        if offered is None:
            self._unsigned.add(name)
            return
        self.store.settings.put(f"receipt_key:{name}", {"key": offered.text})
        transport.receipt_key = offered

    def _server_forms(self, name: str, transport: OpenRosaTransport) -> None:
        """Which forms the server takes (ETag-cached), and the version it knows each by, which
        the sealer states from now on. Not known (a server without a form list): the
        submissions go anyway, and the server's own answer says."""
        try:
            listed = transport.refresh_forms()
        except LinkDown:
            transport.server_forms = None
            return
        sealer = self.store.outbox.sealers.get(name)
        if isinstance(sealer, OpenRosaSealer):
            sealer.learn_server_versions({form_id: form.version for form_id, form in listed.items()})

    def _know_server_forms(self, name: str, transport: OpenRosaTransport) -> None:
        """Give an OpenRosa transport the kiosk's forms' paths, and the transport and sealer
        what an earlier worker learnt of the server's forms."""
        sealer = self.store.outbox.sealers.get(name)
        if isinstance(sealer, OpenRosaSealer):
            def paths_of(form_id: str, version: str) -> frozenset[str] | None:
                try:
                    return form_paths(sealer.form(form_id, version))
                except SealingError:
                    return None  # no longer on this kiosk: the server's answer will say

            transport.paths_of = paths_of
        kept = self.store.settings.get(f"openrosa_forms:{name}")
        if not isinstance(kept, dict):
            return
        versions = {}
        for form_id, known in kept.items():
            try:
                transport.xforms[form_id] = (str(known["hash"]), ServerXForm(
                    str(known["version"]), frozenset(map(str, known["paths"])),
                    known.get("public_key")))
                versions[form_id] = str(known["version"])
            except (KeyError, TypeError):
                continue  # damaged: fetched again
        if isinstance(sealer, OpenRosaSealer):
            sealer.learn_server_versions(versions)

    def _keep_server_forms(self, name: str, transport: OpenRosaTransport) -> None:
        kept = {form_id: {"hash": key, "version": xform.version, "paths": sorted(xform.paths),
                          "public_key": xform.public_key}
                for form_id, (key, xform) in transport.xforms.items()}
        if kept != self.store.settings.get(f"openrosa_forms:{name}"):
            self.store.settings.put(f"openrosa_forms:{name}", kept)

    def _send(self, name: str, transport: Transport, send_all: bool,
              progress: Progress | None, watch: LinkWatch) -> DestinationResult:
        result = DestinationResult()
        # What is due now, fixed at the start: a retry scheduled during this round waits for
        # the next one, so a round always ends.
        due = [item.submission_id for item in self.store.outbox.due(
            limit=1_000_000, destination=name, ignore_backoff=send_all)]
        wave = Wave()
        done = 0
        claimed = max(BATCH, transport.max_batch if isinstance(transport, RestTransport) else 1)
        for start in range(0, len(due), claimed):
            batch = self.store.outbox.claim(due[start:start + claimed])
            delivered: list[tuple[str, Mapping[str, object]]] = []
            settled: set[str] = set()  # delivered, rejected or given its next try
            try:
                self._send_batch(name, transport, batch, result, watch, wave,
                                 delivered, settled)
            finally:  # whatever happened, what was delivered is recorded, the rest released
                try:
                    self.store.outbox.mark_delivered_many(delivered)
                finally:
                    self.store.outbox.release([item.submission_id for item in batch
                                               if item.submission_id not in settled])
            result.delivered += len(delivered)
            done += len(batch)
            if progress is not None:
                progress(done, len(due))
            if result.state != "ok" or self._out_of_time():
                break
        return result

    def _out_of_time(self) -> bool:
        """Start no new request: the worker is shutting down, or the round's time budget
        (sync_round_budget_seconds) is spent. What was not tried stays queued, with no attempt
        counted, for the next round; the request on the wire ends by its own deadline."""
        self._budget_spent = self._budget_spent or time.monotonic() >= self._round_ends
        return self._budget_spent or self._cancel.is_set()

    def _send_batch(self, name: str, transport: Transport, batch: list[Outgoing],
                    result: DestinationResult, watch: LinkWatch, wave: Wave,
                    delivered: list[tuple[str, Mapping[str, object]]], settled: set[str]) -> None:
        """Post a claimed batch, as few requests as the service takes (_requests). A request
        the link lost is tried again after the others (TRIES_PER_ROUND in all) while the link
        delivers between its failures; its last failure schedules the next try of what it
        carried. Sets result.state when the round must end here: the link is down, the
        service asked for a pause, or a wave of answers says the address is wrong (for IT)."""

        def later(items: list[Outgoing], outcome: Retry) -> None:
            for item in items:
                self._retry_later(name, item.attempts, item.submission_id, outcome)
                settled.add(item.submission_id)
                result.retried += 1

        pending = deque(_requests(transport, batch))
        lost: list[tuple[list[Outgoing], Retry]] = []
        for _ in range(TRIES_PER_ROUND):
            lost = []
            while pending and not self._out_of_time():
                items = pending.popleft()
                try:
                    answer = _post(transport, items)
                except BatchesRefused:  # sent again at once, one by one, and judged so
                    pending.extendleft([item] for item in reversed(items))
                    continue
                if isinstance(answer, Retry) and answer.held:  # its form's problem: the link is fine
                    later(items, answer)
                    result.message = result.message or answer.reason
                    continue
                if not isinstance(answer, Retry):  # the service answered for each of them
                    watch.answered()
                    wave.clear()
                    for item, outcome in zip(items, answer, strict=True):
                        if isinstance(outcome, Retry):  # the service's own "later" for this one
                            later([item], outcome)
                            continue
                        settled.add(item.submission_id)
                        if isinstance(outcome, Delivered):
                            delivered.append((item.submission_id, outcome.receipt))
                        else:
                            self.store.outbox.mark_rejected(item.submission_id, outcome.reason)
                            result.rejected += 1
                elif answer.wrong_address:  # never the submissions' fault: they wait, unrejected
                    watch.answered()
                    later(items, answer)
                    if wave.add(answer.reason):
                        result.state = "stopped"
                        result.message = (
                            f"the address or configuration looks wrong: {wave.count} requests in "
                            f"a row were answered \"{answer.reason}\". Nothing was rejected; "
                            "check the url and any proxy between the kiosk and the service")
                        break
                elif answer.pause_all:
                    later(items, answer)
                    result.state = "offline"
                    result.message = f"the service asked the kiosk to wait ({answer.reason})"
                    break
                else:
                    if lost_on_the_way(answer):
                        lost.append((items, answer))  # tried again after the others
                    else:
                        later(items, answer)
                    watch.failed()
                    if watch.down:
                        result.state = "offline"
                        result.message = (f"{answer.reason} ({watch.in_a_row} requests in a row "
                                          "failed)")
                        break
            if result.state != "ok" or not lost or self._out_of_time():
                break
            pending = deque(items for items, _ in lost)
        for items, outcome in lost:  # lost on its last try in this round: the next is scheduled
            later(items, outcome)

    def _retry_later(self, name: str, attempts: int, submission_id: str, outcome: Retry) -> None:
        destination = self.config.destinations[name]
        delay = backoff_seconds(attempts + 1, destination.retry_first_seconds,
                                destination.retry_max_seconds, self.rng)
        if outcome.after_seconds is not None:
            delay = max(delay, min(outcome.after_seconds, destination.retry_max_seconds))
            if outcome.pause_all:
                self.paused_until[name] = self.clock() + timedelta(
                    seconds=min(outcome.after_seconds, destination.retry_max_seconds))
        self.store.outbox.mark_retry(submission_id, outcome.reason,
                                     self.clock() + timedelta(seconds=delay))

    # -- the rest of talking to central -------------------------------------------------------
    def _heartbeat(self, summary: QueueSummary) -> None:
        transport = self.transports.get(CATALOGUE_DESTINATION)
        if not isinstance(transport, RestTransport) or self._out_of_time():
            return
        try:
            free = shutil.disk_usage(self.store.path.parent).free
        except OSError:
            free = -1
        try:
            answer = transport.heartbeat({
                "queue_depth": summary.waiting, "rejected": summary.counts["rejected"],
                "oldest_waiting": summary.oldest_waiting,
                "last_sync_at": self.store.settings.get("last_sync_at"),
                "version": version(), "free_disk_bytes": free,
                "interval_minutes": self.config.heartbeat_minutes,  # when it is silent
                "audit": self.store.audit_report(),  # anchored there, off this disk
                **({"update_state": state} if (state := self.updates.report()) else {})})
        except (LinkDown, AuthRefused):
            return  # the round's own status already says why; try at the next round
        self.updates.heard(answer)
        verdict = answer.get("audit")
        if isinstance(verdict, dict) and isinstance(verdict.get("anchor_seq"), int):
            self.store.note_audit_verdict(verdict)
        self._next_heartbeat = self.clock() + timedelta(minutes=self.config.heartbeat_minutes)

    def _catalogue_transport(self) -> RestTransport:
        """The central service that serves forms and results: a REST one (the callers ask
        only when the configuration has one)."""
        transport = self.transports[CATALOGUE_DESTINATION]
        if not isinstance(transport, RestTransport):
            raise LinkDown("forms and results come only from a REST central service")
        if self._out_of_time():
            raise LinkDown("the round's time is up: asked at the next round")
        return transport

    def _pull_forms(self) -> bool:
        try:
            changed = pull_forms(self._catalogue_transport(), self.store, self.config)
        except (LinkDown, AuthRefused):
            return False
        except OSError as error:  # a full disk: the forms already here go on being used
            self.store.settings.put("forms_pull", {"problems": [f"could not be saved: {error}"]})
            return False
        self._next_forms_pull = self.clock() + timedelta(minutes=self.config.forms_pull_minutes)
        if changed:  # an OpenRosa sealer reads the forms again at its next seal
            for sealer in self.store.outbox.sealers.values():
                if isinstance(sealer, OpenRosaSealer):
                    sealer.forget_forms()
        return changed

    def _pull_results(self) -> None:
        try:
            pull_results(self._catalogue_transport(), self.store, self.clock())
        except (LinkDown, AuthRefused):
            return  # the results already kept stay, with the time they were fetched

    def _pull_progress(self) -> None:
        """The review states of this kiosk's undecided applications (sync/progress_pull.py),
        from a service that has the route; an older one is not asked."""
        try:
            pull_progress(self._catalogue_transport(), self.store, CATALOGUE_DESTINATION,
                          self.clock(), go_on=lambda: not self._out_of_time())
        except (LinkDown, AuthRefused):
            return  # the states already kept stay, with when they were heard

    def _pull_update(self) -> None:
        """An offered update: fetched in pieces, verified and staged (sync/updates_pull.py)."""
        try:
            self.updates.step(self._catalogue_transport(), go_on=lambda: not self._out_of_time())
        except (LinkDown, AuthRefused):
            return  # the pieces fetched stay; the next round goes on from there
        except OSError as error:  # a full disk: the partial download waits for space
            log.warning("the update could not be saved: %s", error.strerror or error)

    def run_forever(self, stop: threading.Event,
                    on_round: Callable[[RoundResult], None] | None = None) -> RoundResult:
        """`kiosk sync` without --once: a round every sync_interval_seconds until `stop` is
        set. A destination whose token was refused is looked at again every 15 minutes."""
        while True:
            result = self.run_once()
            if on_round is not None:
                on_round(result)
            if stop.wait(self.config.sync_interval_seconds):
                return result
