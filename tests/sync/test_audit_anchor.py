"""The audit log's head is anchored at the central service by each heartbeat, so whoever has
the kiosk's disk (and its install key) cannot cut the log short or rewrite it unseen: the
kiosk's status and doctor say so, and so does the central's fleet view."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
import requests

from kiosk import doctor
from kiosk.store import audit
from kiosk.store.keys import KEY_FILE
from tests.support.central import kiosk_config
from ui.cli import main


def _tamper(config, *statements: str) -> None:
    """What someone with the disk can do with any SQLite tool."""
    conn = sqlite3.connect(config.database_path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _status(config, capsys) -> tuple[int, dict]:
    code = main(["status", "--json", "--config", str(config.data_dir.parent / "kiosk.toml")])
    return code, json.loads(capsys.readouterr().out)


def _fleet_audit(central) -> dict:
    answer = requests.get(central.url + "/v1/devices", headers=central.admin_headers, timeout=10)
    (device,) = answer.json()["devices"]
    return device["audit"]


def _anchor(config, sync_worker, entries: int = 5) -> int:
    """Some entries logged, then a round whose heartbeat anchors the head: its number."""
    with config.open_store() as store:
        for _ in range(entries):
            store.record("forms_updated")
        worker = sync_worker(store, config)
        worker.run_once()
        worker.close()
        with closing(store.reader()) as conn:
            head = audit.head(conn)
        assert store.status()["audit_anchor_ok"]
    assert head is not None
    return head.seq


def _heartbeat(config, sync_worker) -> dict:
    with config.open_store() as store:
        worker = sync_worker(store, config)
        worker.run_once()
        worker.close()
        return store.status()


def test_newest_entries_deleted_are_seen_at_once_here_and_at_central(tmp_path, central,
                                                                     sync_worker, capsys):
    config = kiosk_config(tmp_path, central)
    head = _anchor(config, sync_worker)
    assert _fleet_audit(central)["anchor_seq"] == head

    _tamper(config, "DROP TRIGGER audit_no_delete", f"DELETE FROM audit WHERE seq > {head - 2}")

    code, status = _status(config, capsys)
    assert code == 1
    assert status["audit_chain_ok"]  # what is left still chains: the chain alone misses it
    assert "removed outside the kiosk and was put back" in status["audit_guard"]
    assert status["audit_anchor"].startswith(f"cut short: the central service holds entry {head}")
    # The next heartbeat tells central, which keeps it for the fleet view until staff look.
    said = _heartbeat(config, sync_worker)
    assert not said["audit_anchor_ok"]
    assert said["audit_anchor"].startswith("the central service says it was cut short")
    flagged = _fleet_audit(central)
    assert flagged["state"] == "cut short" and f"entry {head}" in flagged["detail"]
    row = doctor.check_database(config)
    assert row.status == doctor.FAIL and "cut short" in row.found and "IT security" in row.advice


def test_an_anchored_entry_rewritten_with_the_install_key_is_seen_at_central(tmp_path, central,
                                                                              sync_worker,
                                                                              capsys):
    config = kiosk_config(tmp_path, central)
    head = _anchor(config, sync_worker)
    # The thief has the install key too: rewrite entry 2 onwards, every hash recomputed, and
    # the guard triggers put back, so nothing on the disk looks wrong.
    key = audit.chain_key((config.data_dir / KEY_FILE).read_bytes())
    conn = sqlite3.connect(config.database_path)
    conn.execute("DROP TRIGGER audit_no_update")
    rows = conn.execute("SELECT seq, at, actor, event, detail, prev_hash FROM audit "
                        "WHERE seq >= 2 ORDER BY seq").fetchall()
    prev = rows[0][5]
    for seq, at, actor, event, detail, _ in rows:
        if seq == 2:
            actor, event, detail = "it", "config_changed", json.dumps({"changed": []})
        digest = audit.entry_hash(key, prev, seq, at, actor, event, detail)
        conn.execute("UPDATE audit SET actor = ?, event = ?, detail = ?, prev_hash = ?, hash = ? "
                     "WHERE seq = ?", (actor, event, detail, prev, digest, seq))
        prev = digest
    conn.execute(audit.GUARDS["audit_no_update"])
    conn.commit()
    conn.close()

    code, status = _status(config, capsys)
    assert status["audit_chain_ok"] and status["audit_guard"] == "in place"
    said = _heartbeat(config, sync_worker)
    assert said["audit_anchor"].startswith("the central service says it was rewritten")
    assert _fleet_audit(central)["state"] == "rewritten"
    assert _status(config, capsys)[0] == 1
    assert head >= 2


def test_the_guard_triggers_are_put_back_at_every_start_and_logged(tmp_path, central, capsys):
    config = kiosk_config(tmp_path, central)
    with config.open_store() as store:
        store.record("forms_updated")
    _tamper(config, "DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete")

    code, status = _status(config, capsys)
    assert code == 1 and "audit_no_delete, audit_no_update" in status["audit_guard"]
    with config.open_store() as store:
        assert store.status()["audit_guard"] == "in place"
        assert store.staff.recent_audit(5)[0].event == "audit_guard_restored"
        with closing(store.reader()) as conn:
            assert audit.missing_guards(conn) == []
    with closing(sqlite3.connect(config.database_path)) as conn, \
            pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit")
