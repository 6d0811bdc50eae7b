"""The durable store against a real SQLite file: what a citizen, a helper and IT rely on."""

import json
import os
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.forms.loader import load_form
from kiosk.forms.session import Session
from kiosk.forms.snapshot import restore_session, session_state
from kiosk.store import Store, StoreError, codes
from kiosk.store import audit as audit_module
from kiosk.store.errors import DISK_FULL, READ_ONLY, explain
from tests.kiosk.store_helpers import fake_submission, scribble
from tests.support.read_only_folder import run_python_with_read_only

ROOT = Path(__file__).resolve().parents[2]


def rows(store, sql, *args):
    return store._db.conn.execute(sql, args).fetchall()


def test_a_submission_and_its_outbox_entry_are_stored_together(store):
    reference = store.outbox.submit(fake_submission())
    assert reference.startswith("LIB01-")
    assert rows(store, "SELECT count(*) FROM submissions") == [(1,)]
    assert rows(store, "SELECT state FROM outbox") == [("queued",)]
    assert store.status()["submissions"]["queued"] == 1


def test_submitting_the_same_visit_twice_stores_it_once(store):
    submission = fake_submission()
    assert store.outbox.submit(submission) == store.outbox.submit(submission)
    assert rows(store, "SELECT count(*) FROM submissions") == [(1,)]
    assert rows(store, "SELECT count(*) FROM outbox") == [(1,)]


def test_answers_are_not_readable_in_the_database_file(store):
    submission = fake_submission()
    submission["answers"]["description"] = "A very distinctive sentence 4242"
    store.outbox.submit(submission)
    raw = b"".join(Path(f"{store.path}{s}").read_bytes()
                   for s in ("", "-wal") if Path(f"{store.path}{s}").exists())
    assert b"distinctive sentence" not in raw
    assert (store.path.parent / "install.key").stat().st_mode & 0o777 == 0o600


def test_the_receipt_keeps_only_what_the_form_marks(store):
    reference = store.outbox.submit(fake_submission(7))
    receipt = store.outbox.receipt(reference)
    assert receipt.answers == [{"name": "location", "label": "Where is the problem?",
                                   "answer": "Test Street 7"}]
    assert store.outbox.submission(reference)["answers"]["urgency"] == "not_urgent"


def test_what_is_due_comes_oldest_first_and_respects_backoff(store, clock):
    first = store.outbox.submit(fake_submission(1))
    clock.advance(seconds=1)
    second = store.outbox.submit(fake_submission(2))
    assert [d.reference for d in store.outbox.due()] == [first, second]
    store.outbox.mark_sending(store.outbox.due()[0].submission_id)
    due = store.outbox.due()
    assert [d.reference for d in due] == [second]
    store.outbox.mark_retry(due[0].submission_id, "timeout", clock() + timedelta(minutes=5))
    assert store.outbox.due() == []
    clock.advance(minutes=6)
    assert [d.reference for d in store.outbox.due()] == [second]


def test_delivered_payloads_go_after_retention_but_the_reference_stays(store, clock):
    reference = store.outbox.submit(fake_submission())
    item = store.outbox.due()[0]
    store.outbox.mark_sending(item.submission_id)
    store.outbox.mark_delivered(item.submission_id, {"receipt": "server-1"})
    clock.advance(days=6)
    assert store.purge()["delivered_payloads"] == 0
    clock.advance(days=2)
    assert store.purge()["delivered_payloads"] == 1
    assert store.outbox.submission(reference) is None
    assert store.outbox.receipt(reference).state == "delivered"
    assert store.verify_audit().ok
    assert [e["event"] for e in _audit(store)] == ["purge"]


def _on_disk(store) -> bytes:
    """Everything a thief who copies the database finds: the file and its write-ahead log."""
    return b"".join(Path(f"{store.path}{s}").read_bytes()
                    for s in ("", "-wal") if Path(f"{store.path}{s}").exists())


def test_after_retention_no_receipt_answer_is_left_in_the_database_files(store, clock):
    references = []
    for number in range(1, 41):  # enough rows for several pages
        submission = fake_submission(number)
        submission["receipt"] = [{"name": "full_name", "label": "Your name",
                                  "answer": f"Zorbalina Quenthorpe-{number:02d}"}]
        references.append(store.outbox.submit(submission))
    assert b"Zorbalina Quenthorpe" in _on_disk(store)  # kept readable to reprint a receipt
    for item in store.outbox.due(limit=100):
        store.outbox.mark_sending(item.submission_id)
        store.outbox.mark_delivered(item.submission_id, {"receipt": "server-1"})
    clock.advance(days=8)
    assert store.purge()["delivered_payloads"] == 40
    assert b"Zorbalina" not in _on_disk(store)  # not in a row, a freed cell or the log
    receipt = store.outbox.receipt(references[0])  # the reference stays, for the queue view
    assert (receipt.reference, receipt.state, receipt.answers) == (references[0], "delivered", [])


def test_a_receipt_an_older_kiosk_kept_after_its_purge_goes_at_the_next_one(store, clock):
    reference = store.outbox.submit(fake_submission(3))
    item = store.outbox.due()[0]
    store.outbox.mark_sending(item.submission_id)
    store.outbox.mark_delivered(item.submission_id, {"receipt": "server-1"})
    clock.advance(days=8)
    with store._db.writing() as conn:  # purged as kiosks before issue 20 did: payload only
        conn.execute("UPDATE submissions SET payload = NULL, payload_deleted_at = '2026-12-05'")
    assert store.outbox.receipt(reference).answers != []
    assert store.purge()["delivered_payloads"] == 1
    assert store.outbox.receipt(reference).answers == []
    assert b"Test Street 3" not in _on_disk(store)
    assert rows(store, "SELECT payload_deleted_at FROM submissions") == [("2026-12-05",)]


def test_a_rejected_submission_is_never_due_again(store):
    store.outbox.submit(fake_submission())
    item = store.outbox.due()[0]
    store.outbox.mark_rejected(item.submission_id, "form closed")
    assert store.outbox.due() == []
    assert store.status()["submissions"]["rejected"] == 1
    with pytest.raises(StoreError):
        store.outbox.mark_sending(item.submission_id)


def test_staff_find_a_submission_by_part_or_all_of_its_reference(store, monkeypatch):
    monkeypatch.setattr(codes, "_random", lambda length: "K7Q0M2XD9"[:length])
    reference = store.outbox.submit(fake_submission(1))
    site, random_part = reference.split("-", 1)
    assert random_part.startswith("K7Q0M-2XD9")

    def found(typed):
        return [found.reference for found in store.outbox.find_submissions(typed)]

    assert found("k7q0") == [reference]  # a part, in any case
    assert found(reference.replace("-", " ")) == [reference]  # spaces for dashes
    assert found(f"{site} {random_part.replace('0', 'O')}") == [reference]  # O for 0
    assert found("K7QOM") == []  # a part with a lookalike is not guessed at


def _audit(store):
    return [{"event": e, "detail": json.loads(d)} for e, d in
            rows(store, "SELECT event, detail FROM audit ORDER BY seq")]


# -- drafts ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def form():
    return load_form(ROOT / "tests" / "kiosk" / "data" / "forms" / "navigation.yaml")


def started_session(form, clock):
    session = Session(form, "en", clock=clock)
    session.answer("first_name", "Sam")
    session.continue_()
    session.answer("age", "41")
    session.continue_()
    return session


def test_a_saved_draft_resumes_where_it_stopped(store, form, clock):
    session = started_session(form, clock)
    draft_id = store.drafts.new_draft_id()
    store.drafts.autosave(draft_id, session_state(session))
    code, expires = store.drafts.save_for_later(draft_id, session_state(session))
    assert expires == clock() + timedelta(days=30)
    lookup = store.drafts.find_draft(code.lower().replace("-", " "))
    assert lookup.status == "found" and lookup.form_id == "navigation"
    restored = restore_session(form, store.drafts.load_draft(lookup.draft_id), clock=clock)
    assert restored.dropped == []
    page = restored.session.page()
    assert page.key.name == "has_children"
    assert restored.session.instance_id == session.instance_id
    assert restored.session.back().questions[0].value == 41
    events = [e["event"] for e in _audit(store)]
    assert events == ["draft_saved", "draft_resumed"]


def test_resume_codes_catch_typos_and_expire(store, form, clock):
    session = started_session(form, clock)
    draft_id = store.drafts.new_draft_id()
    code, _ = store.drafts.save_for_later(draft_id, session_state(session))
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert store.drafts.find_draft(wrong).status == "typo"
    assert store.drafts.find_draft("ZZZZ-ZZZZ").status in ("typo", "unknown")
    clock.advance(days=31)
    assert store.drafts.find_draft(code).status == "expired"
    assert store.purge()["expired_drafts"] == 1
    assert store.drafts.find_draft(code).status == "unknown"


def test_an_autosave_is_gone_at_the_wipe_and_a_crash_leftover_is_purged(store, form, clock):
    session = started_session(form, clock)
    first, second = store.drafts.new_draft_id(), store.drafts.new_draft_id()
    store.drafts.autosave(first, session_state(session))
    store.drafts.autosave(second, session_state(session))
    store.drafts.discard_autosave(first)
    assert store.status()["drafts_in_progress"] == 1
    clock.advance(minutes=16)  # the kiosk lost power; the leftover outlives its grace period
    assert store.purge()["abandoned_autosaves"] == 1
    assert store.status()["drafts_in_progress"] == 0


def test_a_crash_leftover_is_offered_to_staff_until_its_grace_ends(store, form, clock):
    session = started_session(form, clock)
    left, saved, current = store.drafts.new_draft_id(), store.drafts.new_draft_id(), store.drafts.new_draft_id()
    store.drafts.autosave(left, session_state(session))  # the visit a power cut stopped
    store.drafts.save_for_later(saved, session_state(session))  # found by its code, not listed
    clock.advance(minutes=5)
    store.drafts.autosave(current, session_state(session))  # the visit on screen now
    (found,) = store.drafts.interrupted_autosaves(excluding=current)
    assert (found.draft_id, found.form_id, found.status) == (left, form.form_id, "found")
    assert [d.draft_id for d in store.drafts.interrupted_autosaves()] == [current, left]  # newest first
    clock.advance(minutes=11)  # past the left one's 15 minutes
    assert [d.draft_id for d in store.drafts.interrupted_autosaves(excluding=current)] == []


def test_a_draft_survives_a_new_form_version(tmp_path, store, form, clock):
    session = started_session(form, clock)
    state = session_state(session)
    text = (ROOT / "tests" / "kiosk" / "data" / "forms" / "navigation.yaml").read_text()
    newer = tmp_path / "navigation.yaml"
    newer.write_text(text.replace('version: "1"', 'version: "2"').replace(
        "type: integer\n    name: age", "type: date\n    name: age"))  # now a date of birth
    restored = restore_session(load_form(newer), state, clock=clock)
    assert restored.dropped == ["age"]
    assert restored.session.page().key.name == "first_name"  # walked through from the start
    assert restored.session.page().questions[0].value == "Sam"


def test_a_helper_can_delete_a_draft_on_request(store, form, clock):
    session = started_session(form, clock)
    draft_id = store.drafts.new_draft_id()
    code, _ = store.drafts.save_for_later(draft_id, session_state(session))
    assert store.drafts.delete_draft(draft_id, actor="helper:Ana")
    assert store.drafts.find_draft(code).status == "unknown"
    assert _audit(store)[-1] == {"event": "draft_deleted", "detail": {}}


# -- integrity and failures -----------------------------------------------------------------


def test_a_damaged_database_is_set_aside_and_the_kiosk_starts_clean(tmp_path, clock):
    path = tmp_path / "kiosk.db"
    with Store(path, clock=clock) as store:
        for number in range(50):
            store.outbox.submit(fake_submission(number))
    with path.open("r+b") as handle:  # scribble over the middle of the file
        handle.seek(4096)
        handle.write(b"\x00garbage" * 2000)
    with Store(path, clock=clock) as store:
        assert "damaged" in store.warnings[0]
        assert store.status()["submissions"]["queued"] == 0
        events = _audit(store)
        assert events[0]["event"] == "integrity_problem"
        moved = tmp_path / events[0]["detail"]["moved_to"]
        assert moved.exists()
        assert store.verify_audit().ok


def test_a_file_that_is_not_a_database_is_set_aside_too(tmp_path, clock):
    path = tmp_path / "kiosk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with Store(path, clock=clock) as store:
        assert store.warnings and store.status()["integrity"] == "ok"


def test_a_full_disk_says_so_and_writes_nothing(store):
    store.outbox.submit(fake_submission(1))
    pages = rows(store, "PRAGMA page_count")[0][0]
    store._db.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = fake_submission(2)
    big["answers"]["description"] = "x" * 200_000
    with pytest.raises(StoreError) as error:
        store.outbox.submit(big)
    assert str(error.value) == DISK_FULL
    assert rows(store, "SELECT count(*) FROM submissions") == [(1,)]
    assert rows(store, "SELECT count(*) FROM outbox") == [(1,)]


def test_a_read_only_database_is_explained(tmp_path):
    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as error:
        conn.execute("INSERT INTO t VALUES (1)")
    assert str(explain(error.value)) == READ_ONLY


_OPEN_AND_SAY = """
from kiosk.store import Store, StoreError
try:
    Store({path!r}).close()
    print("opened")
except StoreError as error:
    print(error)
"""


@pytest.mark.skipif(os.name != "posix", reason="a read-only mount is POSIX's")
def test_a_read_only_data_folder_says_so_in_its_own_sentence(tmp_path):
    folder = tmp_path / "data"
    with Store(folder / "kiosk.db") as store:
        store.outbox.submit(fake_submission())
    said = run_python_with_read_only(folder, _OPEN_AND_SAY.format(path=str(folder / "kiosk.db")))
    assert said.stdout.strip() == READ_ONLY, said.stderr
    with Store(folder / "kiosk.db") as store:  # nothing was lost: writable again, all there
        assert store.status()["submissions"]["queued"] == 1


@pytest.mark.skipif(os.name != "posix", reason="a read-only mount is POSIX's")
def test_a_new_kiosk_on_a_read_only_folder_says_so_too(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    said = run_python_with_read_only(folder, _OPEN_AND_SAY.format(path=str(folder / "kiosk.db")))
    assert said.stdout.strip() == READ_ONLY, said.stderr


def test_a_data_folder_that_cannot_be_made_is_explained(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as error:
        Store(blocker / "data" / "kiosk.db")
    assert "cannot open its data folder" in str(error.value)


# -- the audit log --------------------------------------------------------------------------


def test_the_audit_chain_detects_a_changed_entry(store):
    for actor in ("helper:Ana", "helper:Ben", "helper:Ana"):
        store.record("helper_unlock", {"helper": actor}, actor=actor)
    assert store.verify_audit().ok and store.verify_audit().entries == 3
    with pytest.raises(StoreError), store._db.writing() as conn:  # the database itself refuses
        conn.execute("UPDATE audit SET actor = 'someone' WHERE seq = 2")
    store._db.conn.execute("DROP TRIGGER audit_no_update")  # someone with the file and a tool
    store._db.conn.execute("UPDATE audit SET actor = 'someone' WHERE seq = 2")
    store._db.conn.commit()
    check = store.verify_audit()
    assert not check.ok and check.broken_at == 2
    assert store.status()["audit_chain_ok"] is False


def test_unknown_audit_events_are_refused(store):
    with pytest.raises(ValueError):
        store.record("citizen_answered", {"answer": "secret"})


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
        scribble(path)
    with Store(path, clock=clock):
        pass
    assert len([p for p in tmp_path.glob("kiosk.db.damaged-*") if not p.name.endswith(("-wal", "-shm"))]) == 2


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
