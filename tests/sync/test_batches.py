"""The worker sends in batches to a service that takes them (a real central on loopback), one
at a time to one that does not, and each submission's own answer decides its fate."""

from __future__ import annotations

import json

import requests

from sync.central.export import export_submissions
from sync.transport import Retry
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.sync.faulty_proxy import FaultyProxy, Rates
from tests.sync.scripted_service import ScriptedService


def _posts(central) -> list[str]:
    """The submission routes central was asked, one entry a request."""
    return [line.split()[3] for line in central.log
            if " POST /v1/submissions" in line]


def _queue(store) -> dict[str, int]:
    return store.outbox.queue_summary().counts


def test_a_hundred_and_twenty_go_in_three_requests_each_stored_once(tmp_path, central,
                                                                    sync_worker):
    central.log.clear()
    config = kiosk_config(tmp_path, central)
    submitted = {}
    with config.open_store() as store:
        for number in range(120):
            visit = fake_submission(number)
            store.outbox.submit(visit)
            submitted[visit["instance_id"]] = visit["answers"]
        result = sync_worker(store, config).run_once()
        assert result.delivered == 120 and result.waiting == 0
        assert _queue(store)["delivered"] == 120
    assert _posts(central) == ["/v1/submissions/batch"] * 3  # 50, 50 and 20
    received = list(export_submissions(central.data_dir))
    assert len(received) == 120
    assert {row["instance_id"]: row["answers"] for row in received} == submitted


def test_one_refused_submission_in_a_batch_is_rejected_and_the_others_delivered(
        tmp_path, central, sync_worker):
    config = kiosk_config(tmp_path, central)
    with config.open_store() as store:
        visits = [fake_submission(number) for number in range(5)]
        for visit in visits:
            store.outbox.submit(visit)
        # Another submission already arrived under the third one's id: central keeps the first.
        other = {**visits[2], "answers": {"location": "Elsewhere", "urgency": "urgent"}}
        envelope = json.loads(central.key.seal(json.dumps(other).encode(), other["instance_id"]))
        body = {"instance_id": other["instance_id"], "reference": "HALL7-OTHER",
                "form_id": other["form_id"], "form_version": other["form_version"],
                "device_id": config.destinations["central"].device_id,
                "created_at": "2026-11-27T10:00:00+00:00",
                "envelope": envelope}
        assert central.post(body).status_code == 201
        central.log.clear()

        result = sync_worker(store, config).run_once()
        assert (result.delivered, result.rejected_total, result.waiting) == (4, 1, 0)
        rejected = store.outbox.rejected_submissions()
        assert [r.submission_id for r in rejected] == [visits[2]["instance_id"]]
        assert rejected[0].reason.startswith("409: A different submission with this id")
    assert _posts(central) == ["/v1/submissions/batch"]


def test_to_a_service_without_batches_each_goes_on_its_own(tmp_path, central, sync_worker):
    with ScriptedService(central) as service:  # its /health has no max_batch
        config = kiosk_config(tmp_path, central, url=service.url)
        with config.open_store() as store:
            for number in range(4):
                store.outbox.submit(fake_submission(number))
            assert sync_worker(store, config).run_once().delivered == 4
        posted = [path for path, _, _ in service.requests if path.startswith("/v1/submissions")]
    assert posted == ["/v1/submissions"] * 4


def test_max_batch_1_in_the_config_sends_one_a_request(tmp_path, central, sync_worker):
    central.log.clear()
    config = kiosk_config(tmp_path, central, max_batch=1)
    with config.open_store() as store:
        for number in range(3):
            store.outbox.submit(fake_submission(number))
        assert sync_worker(store, config).run_once().delivered == 3
    assert _posts(central) == ["/v1/submissions"] * 3


def test_a_proxy_that_refuses_the_batch_route_gets_them_one_by_one(tmp_path, central,
                                                                   sync_worker):
    central.log.clear()
    only_batches = Rates(drop_mid_request=0, server_error=0, stall=0, cut_after_commit=0,
                         wrong_address=1.0)
    with FaultyProxy(int(central.url.rsplit(":", 1)[1]), rates=only_batches,
                     faulty_paths=(b"/v1/submissions/batch",)) as proxy:
        config = kiosk_config(tmp_path, central, url=proxy.url)
        with config.open_store() as store:
            for number in range(6):
                store.outbox.submit(fake_submission(number))
            result = sync_worker(store, config).run_once()
            assert result.destinations["central"].state == "ok"
            assert (result.delivered, result.rejected_total) == (6, 0)
        assert proxy.counts["wrong_address"] == 1  # asked once, then sent one by one
    assert _posts(central) == ["/v1/submissions"] * 6


def test_a_batch_answer_that_is_not_the_services_delivers_nothing(tmp_path, central,
                                                                  sync_worker):
    """A captive portal's 200, or an answer that leaves one out: nothing is marked delivered
    that the service did not answer for."""
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        with config.open_store() as store:
            for number in range(3):
                store.outbox.submit(fake_submission(number))
            worker = sync_worker(store, config)
            transport = worker.transports["central"]
            transport.probe()
            transport.max_batch = 50  # as if its /health had said so
            items = store.outbox.claim([s.submission_id for s in store.outbox.due(limit=10)])
            service.script = [(200, {}, b"<html>Sign in to the wifi</html>")]
            portal = transport.send_many(items)
            first = items[0].submission_id
            receipt = service.signed_receipt(first, json.loads(items[0].envelope), "R1")
            service.script = [(200, {}, {"results": [
                {"instance_id": first, "status": 201, "receipt": receipt}]})]
            partial = transport.send_many(items)
            store.outbox.release([item.submission_id for item in items])
    assert isinstance(portal, Retry) and "not the central service" in portal.reason
    assert not isinstance(partial, Retry)
    assert [type(outcome).__name__ for outcome in partial] == ["Delivered", "Retry", "Retry"]
    assert "did not mention it" in partial[1].reason


def test_the_health_check_a_kiosk_reads_announces_batches(central):
    assert requests.get(central.url + "/health", timeout=10).json()["max_batch"] >= 50
