"""TLS is verified: a certificate the kiosk cannot trust means nothing is sent; IT can name a
private certificate authority in `ca_file`."""

from __future__ import annotations

from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.sync.certificates import self_signed
from tests.sync.scripted_service import ScriptedService


def _send_one(sync_worker, config) -> tuple:
    with config.open_store() as store:
        store.outbox.submit(fake_submission(1))
        worker = sync_worker(store, config)
        sent = worker.run_once(), store.outbox.queue_summary()
        worker.close()  # the next send's worker needs the sync lock
        return sent


def test_an_untrusted_certificate_stops_sending_and_a_named_ca_allows_it(tmp_path, central,
                                                                         sync_worker):
    cert_file, key_file = self_signed(tmp_path)
    with ScriptedService(central, tls=(cert_file, key_file)) as service:
        assert service.url.startswith("https://")
        result, queue = _send_one(sync_worker, kiosk_config(tmp_path, central, url=service.url))
        assert result.destinations["central"].state == "offline"
        assert "TLS certificate was not accepted" in result.destinations["central"].message
        assert queue.waiting == 1 and service.submissions() == []

        result, queue = _send_one(sync_worker, kiosk_config(tmp_path, central, url=service.url,
                                               ca_file=cert_file))
        assert result.delivered == 2 and queue.waiting == 0  # the earlier one too
        (_, headers, body), *_ = [r for r in service.requests if r[0] == "/v1/submissions"]
        assert headers["Idempotency-Key"] == body["instance_id"]
