"""The outbox worker against a real central service on loopback (and a scripted one for the
answers a real service rarely gives): sealed, delivered once, retried sensibly, never blindly."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

import pytest
import requests

from kiosk import version as kiosk_version
from kiosk.store import Store
from sync.central.export import export_submissions
from sync.worker import backoff_seconds
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.sync.scripted_service import ScriptedService


def _visit(number: int) -> dict:
    visit = fake_submission(number)
    visit["answers"]["details"] = f"secret-{uuid.uuid4().hex}"
    return visit


def _outbox(store: Store) -> dict[str, tuple]:
    with store.reader() as conn:
        return {row[0]: row[1:] for row in conn.execute(
            "SELECT submission_id, state, attempts, next_attempt_at, last_error FROM outbox")}


@pytest.fixture
def store(config):
    with config.open_store() as store:
        yield store


@pytest.fixture
def worker(store, config, sync_worker):
    return sync_worker(store, config, rng=random.Random(3))


def test_a_configured_key_seals_each_submission_as_it_is_stored(central, store, worker):
    store.outbox.submit(_visit(1))
    assert store.status()["not_yet_sealed"] == 0
    assert worker.run_once().delivered == 1


def test_waiting_submissions_are_sealed_delivered_and_decrypt_at_central(tmp_path, central,
                                                                          sync_worker):
    # Only the fingerprint in the config: the key itself is fetched, and checked against it.
    config = kiosk_config(tmp_path, central, public_key=None)
    store = config.open_store()
    worker = sync_worker(store, config)
    visits = [_visit(n) for n in range(5)]
    for visit in visits:
        store.outbox.submit(visit)
    assert store.status()["not_yet_sealed"] == 5  # the key is not known before the first sync
    try:
        result = worker.run_once()
    finally:
        store.close()
    store = config.open_store()  # and the fetched key is remembered
    assert "central" in store.outbox.sealers
    store.close()
    assert result.destinations["central"].state == "ok"
    assert result.delivered == 5 and result.waiting == 0
    assert {state for state, *_ in _outbox(store).values()} == {"delivered"}
    received = {row["instance_id"]: row for row in export_submissions(central.data_dir)}
    assert set(received) == {visit["instance_id"] for visit in visits}
    for visit in visits:
        assert received[visit["instance_id"]]["answers"] == visit["answers"]
    with config.open_store() as store:
        status = store.status()
    assert status["not_yet_sealed"] == 0
    assert status["last_sync"] is not None and status["sync"]["central"]["state"] == "ok"


def test_a_receipt_lost_on_the_way_back_is_recovered_by_sending_again(
        central, store, worker, sync_worker):
    visit = _visit(1)
    store.outbox.submit(visit)
    worker.run_once()
    first = store.settings.get("last_sync_at")
    # The kiosk died after the service committed, before it recorded the receipt.
    with store._db.writing() as conn:
        conn.execute("UPDATE outbox SET state = 'sending', server_receipt = NULL")
    worker.close()  # the one that "died"
    again = sync_worker(store, worker.config)
    assert again.run_once().delivered == 1
    assert len(list(export_submissions(central.data_dir))) == 1
    assert store.settings.get("last_sync_at") >= first


def test_an_unreachable_service_leaves_the_queue_as_it_was(tmp_path, central, store, sync_worker):
    config = kiosk_config(tmp_path, central, url="http://127.0.0.1:9")  # nothing listens there
    store.outbox.submit(_visit(1))
    worker = sync_worker(store, config)
    result = worker.run_once()
    assert result.destinations["central"].state == "offline"
    assert "could not be reached" in result.destinations["central"].message
    (state, attempts, _, _), = _outbox(store).values()
    assert (state, attempts) == ("queued", 0)  # an outage does not age every submission
    assert store.status()["sync"]["central"]["state"] == "offline"


def test_a_refusal_with_a_reason_waits_for_staff_and_is_never_retried(
        tmp_path, central, store, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        service.script = [(422, {}, {"error": "the form 'report_problem' is closed"})]
        store.outbox.submit(_visit(1))
        store.outbox.submit(_visit(2))
        worker = sync_worker(store, config)
        result = worker.run_once()
        assert result.destinations["central"].rejected == 1
        assert result.delivered == 1 and result.rejected_total == 1
        rejected = [row for row in _outbox(store).values() if row[0] == "rejected"]
        assert rejected[0][3] == "422: the form 'report_problem' is closed"
        worker.run_once(send_all=True)  # even "Send now" leaves it to staff
        assert len(service.submissions()) == 2


def test_a_refused_token_stops_sending_with_a_status_for_it(tmp_path, central, store, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        service.script = [(401, {}, {"error": "unknown device token"})]
        for n in range(3):
            store.outbox.submit(_visit(n))
        worker = sync_worker(store, config)
        result = worker.run_once()
        again = worker.run_once()
        assert result.stopped and again.stopped
        message = result.destinations["central"].message
        assert "refused this kiosk" in message and "check the token" in message
        assert len(service.submissions()) == 1  # nothing more once the token was refused
        assert {row[:2] for row in _outbox(store).values()} == {("queued", 0)}
        assert store.status()["sync"]["central"]["state"] == "stopped"


def test_server_trouble_is_retried_later_honouring_retry_after(
        tmp_path, central, store, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url, retry_max_seconds=3600)
        service.script = [(200, {"Content-Type": "text/html"}, b"<html>Welcome to the wifi</html>"),
                          (503, {"Retry-After": "120"}, {"error": "maintenance"})]
        store.outbox.submit(_visit(1))
        store.outbox.submit(_visit(2))
        worker = sync_worker(store, config)
        before = datetime.now().astimezone()
        result = worker.run_once()
        assert result.destinations["central"].retried == 2 and result.delivered == 0
        rows = sorted(_outbox(store).values(), key=lambda row: row[3])
        assert all(row[0] == "queued" and row[1] == 1 for row in rows)
        waits = [(datetime.fromisoformat(row[2]) - before).total_seconds() for row in rows]
        assert 0 < waits[0] < 60 and waits[1] >= 119  # jittered backoff; Retry-After
        assert "without a receipt" in rows[0][3] and "503: maintenance" in rows[1][3]
        assert worker.run_once().delivered == 0  # not due yet, and the service asked to wait
        assert len(service.submissions()) == 2
        assert worker.run_once(send_all=True).delivered == 2  # "Send now" ignores backoff


def test_a_request_that_goes_unanswered_is_given_up_on_in_time_and_retried(
        tmp_path, central, store, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        service.script = [("silence", 1.5, None)]
        for n in range(3):
            store.outbox.submit(_visit(n))
        worker = sync_worker(store, config)
        result = worker.run_once()
        outcome = result.destinations["central"]
        # A blip, not an outage: the round goes on with the others, and the unanswered one is
        # tried again after them, in the same round.
        assert (outcome.delivered, outcome.retried, outcome.state) == (3, 0, "ok")
        assert len(service.submissions()) == 4
        assert all(row[0] == "delivered" for row in _outbox(store).values())


def test_backoff_grows_to_its_cap_with_jitter():
    rng = random.Random(1)
    delays = [backoff_seconds(n, 30, 1800, rng) for n in range(1, 10)]
    assert 15 <= delays[0] <= 30 and 900 <= delays[-1] <= 1800
    assert all(later > earlier / 2 for earlier, later in zip(delays, delays[1:], strict=False))
    assert len({round(backoff_seconds(3, 30, 1800, rng), 3) for _ in range(20)}) > 10


def test_a_key_that_does_not_match_the_pin_stops_sending(tmp_path, central, sync_worker):
    from kiosk.sealing import OpeningKey

    # The service hands out a key (a swapped server, a man in the middle) that is not pinned.
    config = kiosk_config(tmp_path, central, public_key=None,
                          key_fingerprint=OpeningKey.generate().public.fingerprint)
    with config.open_store() as store:
        store.outbox.submit(_visit(1))
        worker = sync_worker(store, config)
        result = worker.run_once()
        assert store.status()["not_yet_sealed"] == 1
    assert result.stopped and "not the pinned one" in result.destinations["central"].message
    assert list(export_submissions(central.data_dir)) == []


def test_the_heartbeat_tells_central_about_the_queue(central, store, worker, monkeypatch):
    # The version IT sees is the running kiosk's: here a bundle built as 2.3.4.
    monkeypatch.setattr(kiosk_version, "build_info", lambda: {"version": "2.3.4"})
    store.outbox.submit(_visit(1))
    worker.run_once()
    devices = requests.get(f"{central.url}/v1/devices", timeout=5,
                           headers={"Authorization": f"Bearer {central.init.admin_token}"}).json()
    (device,) = devices["devices"]
    assert device["id"] == "hall-7"
    beat = device["last_heartbeat"]
    assert beat["queue_depth"] == 0 and beat["version"] == "2.3.4" and beat["free_disk_bytes"] > 0
    assert beat["last_sync_at"] == store.settings.get("last_sync_at")
