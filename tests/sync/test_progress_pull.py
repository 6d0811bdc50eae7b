"""Review states come back to the kiosk that issued the references: the real worker and store,
a real central service on loopback for the submissions, and its progress route as
`progress_central` gives it (tests/conftest.py: swap that one fixture for the real central
once it has the route)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.store.codes import new_reference
from sync.progress_pull import check_now
from sync.transport import AuthRefused, LinkDown
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.support.progress_service import ProgressShim


@pytest.fixture
def config(tmp_path, progress_central):
    return kiosk_config(tmp_path, progress_central.central, url=progress_central.url)


@pytest.fixture
def store(config):
    with config.open_store() as store:
        yield store


def send(store, worker, count: int) -> list[str]:
    references = [store.outbox.submit(fake_submission(n), "central") for n in range(count)]
    assert worker.run_once().delivered == count
    return references


def progress_requests(service) -> list[str]:
    return [line for line in service.requests if line == "POST /v1/progress"]


def test_the_round_brings_back_the_states_of_this_kiosks_applications(
        progress_central, config, store, sync_worker):
    worker = sync_worker(store, config)
    first, second, third = send(store, worker, 3)
    progress_central.review(first, "needs_information", "Send us a photo of the pothole.")
    progress_central.review(second, "approved")
    worker.run_once()
    asked = progress_central.asked[-1]
    assert sorted(asked) == sorted([first, second, third])  # its own, in one request
    needs = store.progress.last_known(first)
    assert (needs.state, needs.note) == ("needs_information", "Send us a photo of the pothole.")
    assert store.progress.last_known(second).state == "approved"
    assert store.progress.last_known(third) is None  # the central does not know it yet

    progress_central.review(first, "in_review")
    worker.run_once()
    assert sorted(progress_central.asked[-1]) == sorted([first, third])  # approved: decided
    assert store.progress.last_known(first).state == "in_review"
    assert store.progress.last_known(first).note is None


def test_many_references_go_two_hundred_a_request(progress_central, config, store, sync_worker):
    worker = sync_worker(store, config)
    references = send(store, worker, 450)
    for reference in references[:5]:
        progress_central.review(reference, "received")
    before = len(progress_central.asked)
    worker.run_once()
    sizes = [len(asked) for asked in progress_central.asked[before:]]
    assert sizes == [200, 200, 50]
    assert sorted(r for asked in progress_central.asked[before:] for r in asked) == sorted(references)
    assert all(store.progress.last_known(r).state == "received" for r in references[:5])


def test_references_older_than_retention_are_not_asked_about(
        progress_central, config, store, sync_worker):
    worker = sync_worker(store, config)
    send(store, worker, 2)
    worker.clock = lambda: store.clock() + timedelta(days=config.delivered_retention_days, hours=1)
    before = len(progress_requests(progress_central))
    worker.run_once()
    assert len(progress_requests(progress_central)) == before


def test_an_older_central_without_the_route_is_left_alone(central, tmp_path, sync_worker):
    older = ProgressShim(central.url, central.init.device_token, with_route=False).start()
    try:
        config = kiosk_config(tmp_path, central, url=older.url)
        with config.open_store() as store:
            worker = sync_worker(store, config)
            [reference] = send(store, worker, 1)
            result = worker.run_once()
            assert result.destinations["central"].state == "ok"
            assert "POST /v1/progress" not in older.requests
            assert store.progress.last_known(reference) is None
    finally:
        older.stop()


def test_a_central_that_lost_the_route_is_asked_no_more_in_that_round(
        progress_central, config, store, sync_worker):
    worker = sync_worker(store, config)
    send(store, worker, 1)
    progress_central.route_gone = True  # /health still says so: rolled back behind a proxy
    result = worker.run_once()
    assert result.destinations["central"].state == "ok"
    assert result.delivered == 0 and result.waiting == 0


# -- on demand ---------------------------------------------------------------------------------
def test_asked_on_demand_any_whole_reference_gets_its_state_but_only_its_own_are_kept(
        progress_central, config, store, sync_worker):
    worker = sync_worker(store, config)
    [own] = send(store, worker, 1)
    elsewhere = new_reference("TOWN2")
    progress_central.review(own, "in_review")
    progress_central.review(elsewhere, "rejected", "The garden is outside the council's area.")
    destination = config.destinations["central"]
    assert check_now(destination, config.site_id, store, own, store.clock()).state == "in_review"
    assert store.progress.last_known(own).state == "in_review"
    other = check_now(destination, config.site_id, store, elsewhere, store.clock())
    assert (other.state, other.note) == ("rejected", "The garden is outside the council's area.")
    assert store.progress.last_known(elsewhere) is None
    assert check_now(destination, config.site_id, store, new_reference("TOWN2"),
                     store.clock()) is None  # the central does not know it


def test_on_demand_a_service_that_cannot_answer_is_link_down(
        progress_central, config, store, tmp_path):
    destination = config.destinations["central"]
    reference = new_reference("HALL7")
    progress_central.route_gone = True
    with pytest.raises(LinkDown):
        check_now(destination, config.site_id, store, reference, store.clock())
    progress_central.route_gone = False
    refused = destination.model_copy(update={"token": "not-a-token"})
    with pytest.raises(AuthRefused):
        check_now(refused, config.site_id, store, reference, store.clock())
    progress_central.stop()
    with pytest.raises(LinkDown):
        check_now(destination, config.site_id, store, reference, store.clock())
