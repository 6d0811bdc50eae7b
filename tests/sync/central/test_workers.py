"""The central as sites run it: `kiosk central serve` (gunicorn) with four worker processes over
one database, SQLite or PostgreSQL. Nothing a request needs is held in one worker's memory, so
whichever worker answers, a kiosk sees one service: a submission sent many times at once is
stored once with one receipt, and the catalogue's ETag is the same from every worker."""

from __future__ import annotations

import os
import signal
import threading

import pytest
import requests

from tests.support.served_central import serving_process, started_workers

from .central_kit import SAMPLE_FORM, sealed_body

WORKERS = 4


@pytest.fixture
def served(central_dir):
    """`kiosk central serve --workers 4` over the folder, in its own process; stopped with
    SIGTERM by its id."""
    folder, init = central_dir
    with serving_process(folder, WORKERS) as (url, process):
        yield url, init, process


def test_four_workers_serve_and_a_submission_sent_forty_times_at_once_is_stored_once(served):
    url, init, process = served
    assert len(started_workers(process.pid, WORKERS)) == WORKERS
    key_text = requests.get(url + "/v1/key", timeout=10).json()
    from kiosk.sealing import SealingKey

    body = sealed_body(SealingKey.from_text(key_text["public_key"], key_text["fingerprint"]),
                       {"comment": "made-up, sent forty times"})
    headers = {"Authorization": f"Bearer {init.device_token}",
               "Idempotency-Key": body["instance_id"]}
    start, answers = threading.Barrier(40), []

    def send() -> None:
        start.wait()
        answers.append(requests.post(url + "/v1/submissions", json=body, headers=headers,
                                     timeout=60))

    threads = [threading.Thread(target=send) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * 39 + [201]
    assert len({answer.json()["receipt_id"] for answer in answers}) == 1
    listed = requests.get(url + "/v1/submissions", timeout=10,
                          headers={"Authorization": f"Bearer {init.admin_token}"}).json()
    assert [s["instance_id"] for s in listed["submissions"]] == [body["instance_id"]]


def test_every_worker_gives_the_catalogue_the_same_etag(served, central_dir):
    url, init, _ = served
    folder, _ = central_dir
    assert (folder / "forms" / SAMPLE_FORM.name).exists()
    headers = {"Authorization": f"Bearer {init.device_token}"}
    etags = set()
    with requests.Session() as session:  # new connections: sync workers close after each
        for _ in range(4 * WORKERS):
            answer = requests.get(url + "/v1/forms", headers=headers, timeout=10)
            assert answer.status_code == 200
            etags.add(answer.headers["ETag"])
        unchanged = session.get(url + "/v1/forms", timeout=10,
                                headers=headers | {"If-None-Match": etags.pop()})
    assert not etags and unchanged.status_code == 304


def test_the_workers_stop_with_the_service(served):
    url, _, process = served
    workers = started_workers(process.pid, WORKERS)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
