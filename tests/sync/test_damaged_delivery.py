"""A damaged database, then delivery to the real central service (issue 19, item 2): what
`kiosk salvage` brings back is delivered once by a real worker, and a sealed payload with one
flipped byte is found on the kiosk, never sent to be refused."""

from __future__ import annotations

import sqlite3

from kiosk.store.outbox import DAMAGED_PAYLOAD
from sync.central.export import export_submissions
from tests.kiosk.store_helpers import scribble
from tests.support.central import kiosk_config
from tests.support.damage import flip_in_payload, flip_page_headers
from tests.sync.secret_visits import outbox_states, secret_visit
from ui.cli import main

WAITING = 20


def _submit(config, count: int) -> list[str]:
    ids = []
    with config.open_store() as store:
        for number in range(count):
            visit, _ = secret_visit(number)
            store.outbox.submit(visit)
            ids.append(visit["instance_id"])
    return ids


def test_salvaged_submissions_are_delivered_once(tmp_path, central, capsys, sync_worker):
    config = kiosk_config(tmp_path, central)
    conf = ["--config", str(tmp_path / "kiosk.toml")]
    submitted = _submit(config, WAITING)
    scribble(config.database_path)
    flip_page_headers(config.database_path)

    # The round sets the file aside and sends what the new one has (nothing): not finished.
    assert main(["sync", "--once", *conf]) == 1
    captured = capsys.readouterr()
    assert "Everything has been delivered" not in captured.out
    assert "holds 20 submissions not yet delivered" in captured.err
    assert "kiosk salvage" in captured.err
    assert main(["status", *conf]) == 1
    capsys.readouterr()

    assert main(["salvage", *conf]) == 0
    assert "20 submission(s) put back in the queue" in capsys.readouterr().out
    with config.open_store() as store:
        worker = sync_worker(store, config)
        result = worker.run_once(send_all=True)
        worker.close()  # its lock, for `kiosk sync` below
        states = outbox_states(store)
    assert result.delivered == WAITING and set(states.values()) == {"delivered"}
    assert main(["salvage", *conf]) == 0  # nothing left to salvage
    assert main(["sync", "--once", *conf]) == 0
    assert "Everything has been delivered." in capsys.readouterr().out
    assert main(["status", *conf]) == 0
    received = [row["instance_id"] for row in export_submissions(central.data_dir)]
    assert sorted(received) == sorted(submitted)  # each once


def test_a_flipped_byte_in_a_sealed_payload_is_found_on_the_kiosk(tmp_path, central, capsys,
                                                                  sync_worker):
    config = kiosk_config(tmp_path, central)
    submitted = _submit(config, WAITING)
    with config.open_store() as store:
        assert store.status()["not_yet_sealed"] == 0  # sealed to central's key as stored
    damaged = submitted[3]
    flip_in_payload(config.database_path, damaged)
    conn = sqlite3.connect(config.database_path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)  # SQLite sees nothing
    conn.close()

    with config.open_store() as store:
        result = sync_worker(store, config).run_once(send_all=True)
        states = outbox_states(store)
        (kept_back,) = store.outbox.rejected_submissions()
    assert result.delivered == WAITING - 1
    assert states[damaged] == "rejected" and kept_back.reason == DAMAGED_PAYLOAD
    received = {row["instance_id"] for row in export_submissions(central.data_dir)}
    assert received == set(submitted) - {damaged}
    posts = [line for line in central.log if " POST /v1/submissions" in line]
    assert posts and not any(" 422 " in line for line in posts), "never sent to be refused"
    assert main(["status", "--config", str(tmp_path / "kiosk.toml")]) == 0
    assert "1 submission(s) were kept back" in capsys.readouterr().out
