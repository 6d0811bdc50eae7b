"""A server that hangs, trickles or answers without end never holds a round: each request ends
by its deadline, an answer past the size cap is not read (nor kept), and a round starts no
request once its time budget is spent; what it did not try waits for the next round, untouched.

Real servers on loopback (tests/support/misbehaving.py). No test times the code: where a
duration is checked, it is against a bound several times the deadline, which only a request
that was not cut off would pass.
"""

from __future__ import annotations

import time

import pytest

from kiosk.config import Destination
from kiosk.store import Store
from sync.openrosa.transport import OpenRosaTransport
from sync.round_log import describe_round
from sync.transport import LinkDown, RestTransport
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.support.misbehaving import MB, misbehaving, stop_misbehaving
from tests.support.round_child import measure_round, waiting_kiosk
from tests.sync.certificates import self_signed
from tests.sync.loopback import LoopbackServer

pytestmark = pytest.mark.network  # each starts its servers through the `serve` fixture

DEADLINE = 1.0  # seconds: short, so a test waits little for a request that is cut off
TIMINGS = {"connect_timeout_seconds": 1, "timeout_seconds": 0.5,
           "request_deadline_seconds": DEADLINE}


@pytest.fixture
def serve():
    """serve(mode, **options) -> a started misbehaving server; stopped when the test ends."""
    started = []

    def start(mode: str, tls: tuple[str, str] | None = None, **options) -> LoopbackServer:
        handler = misbehaving(mode, **options)
        server = LoopbackServer(handler, tls=tls).__enter__()
        server.handler = handler  # what it saw: server.handler.requests_seen
        started.append((handler, server))
        return server

    yield start
    for handler, server in started:
        stop_misbehaving(handler)
        server.__exit__(None, None, None)


def _rest(url: str, **settings) -> RestTransport:
    destination = Destination(url=url, token="made-up-token", key_fingerprint="sha256:00",
                              **{**TIMINGS, **settings})
    return RestTransport(destination, "HALL7")


def _refused(call) -> tuple[str, float]:
    """What LinkDown said, and how long the call took to say it."""
    start = time.monotonic()
    with pytest.raises(LinkDown) as down:
        call()
    return str(down.value), time.monotonic() - start


def _outbox(store: Store) -> dict[str, tuple]:
    with store.reader() as conn:
        return {row[0]: row[1:] for row in conn.execute(
            "SELECT submission_id, state, attempts, last_error FROM outbox")}


# -- one request --------------------------------------------------------------------------------
def test_a_trickled_answer_is_cut_off_at_the_deadline_not_at_its_end(serve):
    # 1,000 bytes, each well within the read timeout: 50 s if nothing but that stopped it.
    server = serve("trickle", every=0.05, length=1000)
    transport = _rest(server.url)
    try:
        said, took = _refused(lambda: transport.forms(None))
    finally:
        transport.close()
    assert said == ("the service did not answer in full within 1 s (request_deadline_seconds)")
    assert took < 3 * DEADLINE


def test_headers_trickled_a_byte_at_a_time_are_cut_off_at_the_deadline(serve):
    server = serve("trickle_head", every=0.05)
    transport = _rest(server.url)
    try:
        said, took = _refused(lambda: transport.forms(None))
    finally:
        transport.close()
    assert "did not answer in full within 1 s" in said
    assert took < 3 * DEADLINE


def test_a_trickle_over_tls_is_cut_off_at_the_deadline_too(serve, tmp_path):
    cert_file, key_file = self_signed(tmp_path)
    server = serve("trickle", tls=(cert_file, key_file), every=0.05, length=1000)
    transport = _rest(server.url, ca_file=cert_file)
    try:
        said, took = _refused(lambda: transport.forms(None))
    finally:
        transport.close()
    assert "did not answer in full within 1 s" in said
    assert took < 3 * DEADLINE


def test_an_answer_that_says_it_is_too_large_is_not_read(serve):
    server = serve("huge", size=200 * MB)
    transport = _rest(server.url, max_response_bytes=1_000_000)
    try:
        said, _ = _refused(lambda: transport.forms(None))
    finally:
        transport.close()
    assert said == ("the service's answer was too large: the answer would be 200,000,000 bytes; "
                    "at most 1,000,000 are read (max_response_bytes)")


def test_an_answer_without_a_length_is_cut_off_at_the_size_cap(serve):
    server = serve("huge", size=200 * MB, declared=False)
    transport = _rest(server.url, max_response_bytes=1_000_000)
    try:
        said, _ = _refused(lambda: transport.consultation_results(None))
    finally:
        transport.close()
    assert said == ("the service's answer was too large: the answer went past 1,000,000 bytes; "
                    "no more was read (max_response_bytes)")


def test_an_openrosa_servers_trickled_form_list_is_cut_off_and_the_submissions_still_go(
        serve, tmp_path):
    server = serve("trickle", every=0.05, length=1000)
    destination = Destination(type="openrosa", url=f"{server.url}/v1/key/made-up/projects/1",
                              **TIMINGS)
    transport = OpenRosaTransport(destination)
    try:
        transport.probe()  # the HEAD is answered: the server is there
        said, took = _refused(transport.refresh_forms)
    finally:
        transport.close()
    assert said == "the server did not answer in full within 1 s (request_deadline_seconds)"
    assert took < 3 * DEADLINE


def test_answers_within_the_limits_arrive_on_one_kept_alive_connection(serve):
    server = serve("fine")
    transport = _rest(server.url, max_response_bytes=65_536)
    try:
        for _ in range(3):
            assert transport.forms(None) == (None, [])
            assert transport.consultation_results(None) == (None, [])
    finally:
        transport.close()
    seen = server.handler.requests_seen
    assert len(seen) == 6 and len({line.split()[0] for line in seen}) == 1  # one client port


# -- a round ------------------------------------------------------------------------------------
def test_a_round_against_a_server_that_never_answers_stops_at_its_budget_and_the_rest_waits(
        serve, tmp_path, central, sync_worker):
    server = serve("hang")
    config = kiosk_config(tmp_path, central, url=server.url, **TIMINGS)
    config = config.model_copy(update={"sync_round_budget_seconds": 1})
    with config.open_store() as store:
        for number in range(20):
            store.outbox.submit(fake_submission(number))
        worker = sync_worker(store, config)
        start = time.monotonic()
        result = worker.run_once(send_all=True)
        took = time.monotonic() - start
        worker.close()  # the next round's worker needs the sync lock
        rows = _outbox(store)
    assert result.out_of_time and result.waiting == 20
    assert took < 1 + 3 * DEADLINE  # 20 x 0.5 s had every one been tried
    tried = {sid: row for sid, row in rows.items() if row[1] > 0}
    assert 1 <= len(tried) < 20
    assert all(row[2] == "the service did not answer in time" for row in tried.values())
    untried = [sid for sid in rows if sid not in tried]
    assert untried and all(rows[sid] == ("queued", 0, None) for sid in untried)
    assert "the round's time was up (sync_round_budget_seconds): 20 waiting, for the next " \
           "round" in describe_round(result)

    # The service answers again: the next round sends all, and what the budget left counts
    # this as its first attempt.
    config = kiosk_config(tmp_path, central)
    with config.open_store() as store:
        result = sync_worker(store, config).run_once(send_all=True)
        rows = _outbox(store)
    assert result.delivered == 20 and not result.out_of_time
    assert all(rows[sid][:2] == ("delivered", 1) for sid in untried)


def test_a_200_mb_answer_never_grows_a_round_past_the_size_cap(serve, tmp_path):
    """In a process of its own, with the default cap (16 MB): its peak memory is its own."""
    server = serve("huge", size=200 * MB, declared=False)
    measured = measure_round(waiting_kiosk(tmp_path, server.url, waiting=2, **{
        "destination_timeout_seconds": 5}))
    # Nothing delivered and nothing lost: the round gives up as on a failing link (a lost
    # request is tried again in the round, then the link counts as down) and both wait.
    assert measured["delivered"] == 0 and measured["waiting"] == 2 and measured["retried"] >= 1
    assert "answer was too large" in measured["message"]
    assert measured["peak_growth_mb"] < 100  # the whole answer read would be 200 MB and more
