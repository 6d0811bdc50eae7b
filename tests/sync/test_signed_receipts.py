"""A delivery counts only on a receipt the central service signed, over the digest of what
the kiosk sealed: a server (or a TLS-terminating proxy) that echoes instance ids with made-up
receipt ids marks nothing delivered. And what is sealed names its reference, time and device,
so nothing on the way can relabel a submission."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
import requests

from kiosk.config import ConfigError, load_config
from kiosk.doctor import Findings
from kiosk.signed_receipts import ReceiptKey, ReceiptSigner
from sync.central.store import DB_FILE
from sync.doctor import check_destinations
from sync.link_watch import WAVE
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.sync.central.central_kit import sealed_body
from tests.sync.scripted_service import ScriptedService


def _server_receipts(store) -> list[dict]:
    with closing(store.reader()) as conn:
        rows = conn.execute("SELECT server_receipt FROM outbox WHERE state = 'delivered'")
        return [json.loads(row[0]) for row in rows]


def test_receipts_from_the_real_service_verify_and_are_kept_as_proof(tmp_path, central,
                                                                     sync_worker):
    config = kiosk_config(tmp_path, central)
    assert config.destinations["central"].receipt_key == central.init.receipt_key  # pinned
    with config.open_store() as store:
        for number in range(3):
            store.outbox.submit(fake_submission(number))
        assert sync_worker(store, config).run_once().delivered == 3
        receipts = _server_receipts(store)
        with closing(store.reader()) as conn:
            digests = dict(conn.execute("SELECT id, content_sha256 FROM submissions"))
    key = ReceiptKey.from_text(central.init.receipt_key)
    assert all(key.verifies(receipt) for receipt in receipts)
    with closing(sqlite3.connect(central.data_dir / DB_FILE)) as conn:
        stored = dict(conn.execute("SELECT instance_id, payload_sha256 FROM submissions"))
    assert stored == digests == {r["instance_id"]: r["payload_sha256"] for r in receipts}


def test_a_server_echoing_made_up_receipts_delivers_nothing_and_pauses_for_it(
        tmp_path, central, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url, max_batch=1)
        service.script = [("echo", {}, None)] * 10
        with config.open_store() as store:
            for number in range(5):
                store.outbox.submit(fake_submission(number))
            result = sync_worker(store, config).run_once()
            outcome = result.destinations["central"]
            assert (result.delivered, result.rejected_total, result.waiting) == (0, 0, 5)
            assert outcome.state == "stopped" and "not signed by the service's receipt key" \
                in outcome.message
            assert len(service.submissions()) == WAVE  # then it stopped asking
            assert store.outbox.queue_summary().counts["delivered"] == 0


def test_a_signed_receipt_for_other_contents_is_not_a_delivery(tmp_path, central, sync_worker):
    """The service's own key, over the digest of something else: a receipt for another
    submission under this id is proof of nothing sent from here."""
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url, max_batch=1)
        with config.open_store() as store:
            visit = fake_submission(1)
            store.outbox.submit(visit)
            other = service.receipts.sign({
                "receipt_id": "R1", "instance_id": visit["instance_id"],
                "received_at": "2026-11-27T10:00:00Z", "payload_sha256": "ab" * 32})
            service.script = [(201, {}, other)]
            result = sync_worker(store, config).run_once()
            assert result.delivered == 0 and result.waiting == 1
            assert "signed receipt for other contents" in _last_error(store,
                                                                      visit["instance_id"])


def _last_error(store, submission_id: str) -> str:
    with closing(store.reader()) as conn:
        return conn.execute("SELECT last_error FROM outbox WHERE submission_id = ?",
                            (submission_id,)).fetchone()[0]


def test_without_a_pin_the_key_met_first_is_kept_and_an_impostor_later_is_refused(
        tmp_path, central, sync_worker):
    config = kiosk_config(tmp_path, central, receipt_key=None)
    with config.open_store() as store:
        store.outbox.submit(fake_submission(1))
        worker = sync_worker(store, config)
        assert worker.run_once().delivered == 1
        worker.close()
        learnt = store.settings.get("receipt_key:central")
    assert learnt == {"key": central.init.receipt_key}

    # Later a server at another address answers with its own key, well signed.
    impostor_dir = tmp_path / "impostor"
    impostor_dir.mkdir()
    (impostor_dir / "central.receipt-key").write_bytes(ReceiptSigner.generate().pem())
    with ScriptedService(central) as service:
        service.receipts = ReceiptSigner.from_pem(
            (impostor_dir / "central.receipt-key").read_bytes())
        moved = kiosk_config(tmp_path, central, url=service.url, receipt_key=None)
        with moved.open_store() as store:
            store.outbox.submit(fake_submission(2))
            result = sync_worker(store, moved).run_once()
            assert result.delivered == 0 and result.waiting == 1
            assert store.settings.get("receipt_key:central") == learnt  # not replaced


def test_a_service_older_than_signed_receipts_is_still_served(tmp_path, central, sync_worker):
    with ScriptedService(central, signs=False) as service:
        config = kiosk_config(tmp_path, central, url=service.url, receipt_key=None)
        with config.open_store() as store:
            store.outbox.submit(fake_submission(1))
            assert sync_worker(store, config).run_once().delivered == 1
            assert store.settings.get("receipt_key:central") is None


def test_doctor_says_whether_receipts_are_checked_with_a_pinned_key(tmp_path, central):
    (pinned,) = check_destinations(kiosk_config(tmp_path, central), Findings())
    assert pinned.status == "OK" and "receipts signed with the pinned key" in pinned.found
    (learnt,) = check_destinations(kiosk_config(tmp_path, central, receipt_key=None), Findings())
    assert learnt.status == "WARN" and central.init.receipt_key in learnt.advice
    other = ReceiptSigner.generate().public.text
    (wrong,) = check_destinations(kiosk_config(tmp_path, central, receipt_key=other), Findings())
    assert wrong.status == "FAIL" and "not signed with the pinned receipt_key" in wrong.found


@pytest.mark.parametrize("field, value", [("reference", "HALL7-OTHER-REF00"),
                                          ("created_at", "2020-01-01T00:00:00+00:00"),
                                          ("device_id", "kiosk-99")])
def test_central_refuses_a_submission_relabelled_on_the_way(central, field, value):
    device = central.init.device_id
    body = sealed_body(central.key, {"service": "library"}, device_id=device,
                       inside={"reference": "HALL7-ABCDE-FGHJK", "device_id": device,
                               "created_at": "2026-03-01T09:30:00+00:00"})
    relabelled = {**body, field: value}
    answer = central.post(relabelled)
    expected = 403 if field == "device_id" else 422  # another device's id: refused before
    assert answer.status_code == expected
    if expected == 422:
        assert f"sealed payload's {field} is not the request's {field}" in answer.json()["error"]
    assert central.post(body).status_code == 201  # as sealed, it is taken


def test_what_the_kiosk_seals_names_its_reference_time_and_device(tmp_path, central,
                                                                  sync_worker):
    config = kiosk_config(tmp_path, central)
    with config.open_store() as store:
        reference = store.outbox.submit(fake_submission(1))
        assert sync_worker(store, config).run_once().delivered == 1
    admin = requests.get(central.url + "/v1/submissions", headers=central.admin_headers,
                         timeout=10).json()
    (record,) = admin["submissions"]
    payload = record["payload"]
    assert payload["reference"] == record["reference"] == reference
    assert payload["created_at"] == record["created_at"]
    assert payload["device_id"] == record["device_id"] == config.destinations["central"].device_id


def test_a_receipt_key_that_is_not_one_is_refused_by_name(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "HALL7"\n[destinations.central]\nurl = "https://c.example.org"\n'
                    'token = "t"\nkey_fingerprint = "sha256:00"\nreceipt_key = "abc"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(file, environ={})
    assert "destinations.central" in str(refused.value) and "ed25519:" in str(refused.value)
