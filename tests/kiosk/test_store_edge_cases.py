"""Edge cases of the durable store, its config and the IT command line that a review found
broken, now fixed: each test shows what would have gone wrong."""

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.store import Store, StoreError, codes
from kiosk.store import audit as audit_module
from tests.kiosk.store_helpers import fake_submission
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _scribble(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00garbage" * 2000)


# -- one connection shared by the main thread and the "db" lane ------------------------------

class _GatedConnection:
    """The store's connection, but the writer thread stops just before the outbox insert
    (inside the submission's transaction) until the test lets it go on, and then fails as a
    full disk would."""

    def __init__(self, conn):
        self._conn = conn
        self.inside = threading.Event()
        self.release = threading.Event()

    def execute(self, sql, *args):
        if sql.startswith("INSERT INTO outbox") and threading.current_thread() is not threading.main_thread():
            self.inside.set()
            self.release.wait(10)
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_main_thread_reads_do_not_see_a_submission_that_is_not_committed(store, monkeypatch):
    monkeypatch.setattr(codes, "new_reference", lambda site: "LIB01-AAAAA-AAAAA")
    gate = _GatedConnection(store._db.conn)
    store._db.conn = gate
    outcome = {}

    def submit_on_the_db_lane():
        try:
            outcome["reference"] = store.outbox.submit(fake_submission(1))
        except StoreError as error:
            outcome["error"] = error

    worker = threading.Thread(target=submit_on_the_db_lane)
    worker.start()
    try:
        assert gate.inside.wait(10)
        seen_mid_transaction = store.outbox.submission("LIB01-AAAAA-AAAAA")  # e.g. a receipt reprint
    finally:
        gate.release.set()
        worker.join(10)
        store._db.conn = gate._conn
    assert "error" in outcome  # the transaction was rolled back: nothing was stored ...
    assert store.outbox.submission("LIB01-AAAAA-AAAAA") is None
    assert seen_mid_transaction is None  # ... yet the main thread read it in full meanwhile


# -- opening ----------------------------------------------------------------------------------

def test_a_locked_database_at_start_is_not_set_aside_as_damaged(tmp_path, monkeypatch):
    path = tmp_path / "kiosk.db"
    with Store(path, site_id="T") as first:
        reference = first.outbox.submit(fake_submission(1))
    other = sqlite3.connect(path, isolation_level=None)  # e.g. a backup tool holding the file
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO settings VALUES ('backup', 'running', 'now')")
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect",
                        lambda *a, **k: real_connect(*a, **{**k, "timeout": 0.2}))
    try:
        with pytest.raises(StoreError):  # "busy, try again", not "damaged"
            Store(path, site_id="T").close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not list(tmp_path.glob("kiosk.db.damaged-*"))
    monkeypatch.undo()
    with Store(path, site_id="T") as again:
        assert again.outbox.receipt(reference) is not None


def test_a_second_damaged_database_does_not_overwrite_the_first(tmp_path, clock):
    path = tmp_path / "kiosk.db"
    for number in range(2):
        with Store(path, clock=clock) as store:
            for item in range(30):
                store.outbox.submit(fake_submission(10 * number + item))
        _scribble(path)
    with Store(path, clock=clock):
        pass
    assert len([p for p in tmp_path.glob("kiosk.db.damaged-*") if not p.name.endswith(("-wal", "-shm"))]) == 2


# -- drafts -----------------------------------------------------------------------------------

def test_save_for_later_never_hands_out_a_code_it_did_not_store(store, monkeypatch):
    state = {"form_id": "report_problem", "form_version": "1", "values": {}}
    monkeypatch.setattr(codes, "new_resume_code", lambda: "K7QF-M2XD")
    first, _ = store.drafts.save_for_later(store.drafts.new_draft_id(), state)
    second_draft = store.drafts.new_draft_id()
    try:
        second, _ = store.drafts.save_for_later(second_draft, state)
    except StoreError:
        return  # refusing is fine
    assert store.drafts.find_draft(second).draft_id == second_draft


# -- the audit log ----------------------------------------------------------------------------

def test_a_rewritten_audit_log_with_recomputed_hashes_is_detected(store):
    for actor in ("helper:Ana", "helper:Ben", "helper:Ana"):
        store.record("helper_unlock", {"helper": actor}, actor=actor)
    conn = store._db.conn
    conn.execute("DROP TRIGGER audit_no_update")
    prev = audit_module.GENESIS
    for seq, at, actor, event, detail in conn.execute(
            "SELECT seq, at, actor, event, detail FROM audit ORDER BY seq").fetchall():
        if seq == 2:
            actor, detail = "helper:Cy", json.dumps({"helper": "helper:Cy"})
        # Someone with the database but not the key file: the best they can do is guess it.
        digest = audit_module.entry_hash(b"a guessed key", prev, seq, at, actor, event, detail)
        conn.execute("UPDATE audit SET actor=?, detail=?, prev_hash=?, hash=? WHERE seq=?",
                     (actor, detail, prev, digest, seq))
        prev = digest
    conn.commit()
    assert not store.verify_audit().ok


# -- configuration ----------------------------------------------------------------------------

def test_a_bad_environment_override_names_the_variable(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "HALL2"\n')
    with pytest.raises(ConfigError) as error:
        load_config(file, environ={"KIOSK_IDLE_SECONDS": "ninety"})
    assert "KIOSK_IDLE_SECONDS" in str(error.value)


# -- the command line -------------------------------------------------------------------------

def test_status_on_a_damaged_database_is_not_healthy(data_dir, capsys):
    with Store(data_dir / "kiosk.db", site_id="hall7") as store:
        for number in range(30):
            store.outbox.submit(fake_submission(number))
    _scribble(data_dir / "kiosk.db")
    first = main(["status", "--json"])
    second = main(["status", "--json"])
    capsys.readouterr()
    assert first != 0 and second != 0
