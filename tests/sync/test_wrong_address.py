"""Answers that mean "wrong address or configuration" pause the destination for IT, with one
clear message, instead of rejecting each submission.

Before, a proxy answering 404 to every POST moved the whole queue to `rejected`, and staff
could only send them again one at a time. Now a wave of the same such answer (404, 405, 413 to
a small body, a TLS certificate for another name) stops sending to that destination, says so
in `kiosk status`, the round's log and the helper's Sending page (tests/ui/test_helper_queue.py),
and leaves every submission waiting.
"""

from __future__ import annotations

import pytest

from sync.link_watch import WAVE
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.sync.certificates import self_signed
from tests.sync.faulty_proxy import FaultyProxy, Rates
from tests.sync.scripted_service import ScriptedService
from ui.cli import main

WRONG_ADDRESS = Rates(drop_mid_request=0, server_error=0, stall=0, cut_after_commit=0,
                      wrong_address=1.0)


def _status_rows(config_file, capsys) -> dict[str, str]:
    main(["status", "--config", str(config_file)])
    out = capsys.readouterr().out
    return {line[:22].strip(): line[22:].strip() for line in out.splitlines()}


@pytest.mark.parametrize("status", [404, 405, 413])
def test_a_proxy_answering_every_post_wrongly_pauses_sending_and_rejects_nothing(
        tmp_path, central, capsys, status):
    with FaultyProxy(int(central.url.rsplit(":", 1)[1]), rates=WRONG_ADDRESS,
                     wrong_status=status,
                     faulty_paths=(b"/v1/submissions", b"/v1/devices")) as proxy:
        config = kiosk_config(tmp_path, central, url=proxy.url)
        with config.open_store() as store:
            for number in range(20):
                store.outbox.submit(fake_submission(number))
        config_file = tmp_path / "kiosk.toml"
        assert main(["sync", "--once", "--config", str(config_file)]) == 1
        said = capsys.readouterr()
        rows = _status_rows(config_file, capsys)
        with config.open_store() as store:
            stopped = [e for e in store.staff.recent_audit(20) if e.event == "sync_stopped"]

    # The batch refused, then three sent alone, each answered the same: then it stopped asking.
    assert proxy.counts["wrong_address"] == 1 + WAVE
    # The round's log line, as `kiosk sync` prints it and the kiosk's log keeps it:
    (line,) = [line for line in said.out.splitlines() if line.startswith("central:")]
    assert line.startswith(f"central: 0 delivered, {WAVE} to retry, 0 rejected (stopped: "
                           "the address or configuration looks wrong")
    assert f'answered "{status}: ' in line and "Nothing was rejected" in line
    assert "sending is stopped until IT fixes the config" in said.err
    assert rows["rejected (need staff)"] == "0" and rows["waiting to send"].startswith("20")
    assert rows["sending to central"].startswith(
        "stopped: the address or configuration looks wrong")
    assert len(stopped) == 1


def test_one_wrong_answer_among_deliveries_is_no_wave_and_rejects_nothing(
        tmp_path, central, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        service.script = [(404, {}, {"error": "not here"})]  # one proxy hiccup, then fine
        with config.open_store() as store:
            for number in range(3):
                store.outbox.submit(fake_submission(number))
            worker = sync_worker(store, config)
            first = worker.run_once()
            later = worker.run_once(send_all=True)
    assert (first.destinations["central"].state, first.delivered, first.rejected_total) == (
        "ok", 2, 0)
    assert first.waiting == 1  # waits, with its reason, for the next round
    assert later.delivered == 1 and later.waiting == 0


def test_a_big_body_refused_as_too_large_is_still_the_submissions_own_problem(
        tmp_path, central, sync_worker):
    with ScriptedService(central) as service:
        config = kiosk_config(tmp_path, central, url=service.url)
        service.script = [(413, {}, {"error": "The body is larger than the service takes."})]
        with config.open_store() as store:
            visit = fake_submission(1)
            visit["answers"]["details"] = "made-up words " * 100_000  # about 1.4 MB sealed
            store.outbox.submit(visit)
            result = sync_worker(store, config).run_once()
    assert result.rejected_total == 1 and result.destinations["central"].state == "ok"


def test_a_certificate_for_another_name_pauses_sending_for_it(tmp_path, central, sync_worker):
    cert_file, key_file = self_signed(tmp_path)  # trusted (ca_file), but for 127.0.0.1 only
    with ScriptedService(central, tls=(cert_file, key_file)) as service:
        config = kiosk_config(tmp_path, central, ca_file=cert_file,
                              url=service.url.replace("127.0.0.1", "localhost"))
        with config.open_store() as store:
            store.outbox.submit(fake_submission(1))
            result = sync_worker(store, config).run_once()
            queue = store.outbox.queue_summary()
    outcome = result.destinations["central"]
    assert outcome.state == "stopped" and "certificate is for another name" in outcome.message
    assert queue.waiting == 1 and queue.counts["rejected"] == 0
    assert service.requests == []
