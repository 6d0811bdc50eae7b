"""A round of sync survives what a faulty or hostile link answers: a wifi sign-in page, one
unreadable payload, weeks of failures, a web filter's block page, a request to pause. Each
is a defect found in review, kept as a test now that it is fixed."""

from __future__ import annotations

import random

from sync.central.export import export_submissions
from sync.link_watch import DOWN_AFTER
from tests.support.central import kiosk_config
from tests.sync.scripted_service import ScriptedService, _Handler
from tests.sync.secret_visits import outbox_states, secret_visit


def test_a_heartbeat_answered_with_a_page_does_not_end_the_round(tmp_path, central, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        service.script = [(200, {"Content-Type": "text/html"}, b"<html>Sign in to the wifi</html>")]
        with config.open_store() as store:
            worker = sync_worker(store, config)
            result = worker.run_once()  # nothing to send: the first POST is the heartbeat
    assert result.destinations["central"].state == "ok"


def test_one_unreadable_waiting_payload_does_not_stop_all_sending(tmp_path, central, sync_worker):
    config = kiosk_config(tmp_path, central, public_key=None)  # the key comes at first sync
    with config.open_store() as store:
        good, _ = secret_visit(1)
        bad, _ = secret_visit(2)
        store.outbox.submit(good)
        store.outbox.submit(bad)
        with store._db.writing() as conn:  # one blob damaged (or from an install key since lost)
            conn.execute("UPDATE submissions SET payload = zeroblob(64) WHERE id = ?",
                         (bad["instance_id"],))
        worker = sync_worker(store, config)
        result = worker.run_once()
    assert result.delivered == 1
    assert [row["instance_id"] for row in export_submissions(central.data_dir)] == [
        good["instance_id"]]


def test_a_long_failing_submission_is_still_backed_off(tmp_path, central, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        service.script = [(500, {}, {"error": "the service failed on this request"})]
        with config.open_store() as store:
            visit, _ = secret_visit()
            store.outbox.submit(visit)
            # Three weeks of 500s for this one submission at the 30-minute cap.
            with store._db.writing() as conn:
                conn.execute("UPDATE outbox SET attempts = 1024")
            worker = sync_worker(store, config, rng=random.Random(1))
            try:
                worker.run_once()
                crashed = None
            except Exception as error:  # noqa: BLE001 (what the test is about)
                crashed = error
            state = outbox_states(store)[visit["instance_id"]]
    assert crashed is None and state == "queued", f"{crashed!r}; the row was left {state!r}"


class _BlockedOnce(_Handler):
    """A web filter that answers a round's /health checks (the first DOWN_AFTER) with its 403
    block page, and then lets them through."""

    def do_GET(self) -> None:
        service = self.server.service
        if self.path == "/health" and getattr(service, "blocked", 0) < DOWN_AFTER:
            service.blocked = getattr(service, "blocked", 0) + 1
            self._reply(403, b"<html>Blocked by your organisation's web filter</html>",
                        {"Content-Type": "text/html"})
            return
        super().do_GET()


def test_a_403_block_page_on_health_does_not_pause_sending_until_restart(
        tmp_path, central, sync_worker):
    service = ScriptedService(central)
    service._httpd.RequestHandlerClass = _BlockedOnce
    with service:
        config = kiosk_config(tmp_path, central, url=service.url)
        with config.open_store() as store:
            visit, _ = secret_visit()
            store.outbox.submit(visit)
            worker = sync_worker(store, config)  # the kiosk keeps one worker for months
            first = worker.run_once()
            later = worker.run_once()
    assert first.destinations["central"].state == "offline"
    assert later.delivered == 1, later.destinations["central"]


def test_a_service_that_asks_for_a_pause_gets_one(tmp_path, central, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url, retry_max_seconds=3600)
        service.script = [(503, {"Retry-After": "120"}, {"error": "maintenance"})] * 5
        with config.open_store() as store:
            for number in range(5):
                store.outbox.submit(secret_visit(number)[0])
            worker = sync_worker(store, config)
            worker.run_once()
        posted = len(service.submissions())
    assert posted == 1, f"{posted} submissions posted after the service said Retry-After: 120"
