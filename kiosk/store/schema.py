"""The kiosk database's tables, created and changed only through these migrations."""

from __future__ import annotations

import hashlib
import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ..version import version

migrations = Migrations("kiosk")


def run_script(db: Database, script: str) -> None:
    """Run statements one by one: executescript() would commit the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


@migrations()
def m001_initial(db: Database) -> None:
    run_script(db, """
    CREATE TABLE submissions (
        id TEXT PRIMARY KEY,              -- the instance id, uuid:...; the idempotency key
        reference TEXT NOT NULL UNIQUE,   -- what the citizen is given
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        language TEXT NOT NULL,
        destination TEXT NOT NULL,
        assisted_by TEXT,                 -- a helper's name when staff helped (never a PIN)
        created_at TEXT NOT NULL,         -- UTC, ISO 8601 with offset
        payload BLOB,                     -- encrypted; NULL once delivered and past retention
        payload_bytes INTEGER NOT NULL,
        receipt TEXT NOT NULL,            -- JSON: only the answers the form marks receipt: true
        payload_deleted_at TEXT
    );
    CREATE TABLE outbox (
        submission_id TEXT PRIMARY KEY REFERENCES submissions(id),
        destination TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'delivered', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_attempt_at TEXT,
        last_error TEXT,
        server_receipt TEXT,
        delivered_at TEXT,
        updated_at TEXT NOT NULL
    );
    -- "What is due" walks the queued rows in the order they fall due; counts per state
    -- read the same index.
    CREATE INDEX outbox_state_due ON outbox(state, next_attempt_at);
    CREATE INDEX outbox_delivered ON outbox(delivered_at) WHERE state = 'delivered';

    CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        resume_hash TEXT UNIQUE,          -- sha256 of the resume code; NULL for an autosave
        saved INTEGER NOT NULL DEFAULT 0, -- 1 when the citizen chose "finish later"
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        payload BLOB NOT NULL             -- encrypted session state
    );
    CREATE INDEX drafts_expiry ON drafts(expires_at);

    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL,             -- JSON; never citizen data
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    -- Append-only: the database itself refuses to change or remove an entry.
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """)


@migrations()
def m002_sealing_and_forms(db: Database) -> None:
    run_script(db, """
    -- The fingerprint of the destination key a payload is sealed to; NULL while it waits
    -- under the install key (the destination's key not yet known).
    ALTER TABLE submissions ADD COLUMN sealed_to TEXT;
    CREATE INDEX submissions_unsealed ON submissions(destination) WHERE sealed_to IS NULL;
    """)


@migrations()
def m003_helpers(db: Database) -> None:
    run_script(db, """
    CREATE TABLE helpers (
        name TEXT PRIMARY KEY,            -- as staff know each other; in the audit log
        pin_hash TEXT NOT NULL,           -- scrypt, salted: never the PIN
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """)


@migrations()
def m004_payload_checksums(db: Database) -> None:
    """Each stored payload's own SHA-256 (payload_checksum in outbox.py), so a flipped byte in
    a sealed payload, which the kiosk cannot open to check, is found before it is sent.
    Payloads already stored get theirs now: later damage to them is found too."""
    db.execute("ALTER TABLE submissions ADD COLUMN payload_sha256 TEXT")
    rows = db.execute("SELECT id, payload FROM submissions WHERE payload IS NOT NULL").fetchall()
    for submission_id, payload in rows:
        db.execute("UPDATE submissions SET payload_sha256 = ? WHERE id = ?",
                   (hashlib.sha256(payload).hexdigest(), submission_id))


@migrations()
def m005_content_digests(db: Database) -> None:
    """The SHA-256 of what was sealed (the submission as the service opens it): the service
    signs its receipt over it, and a receipt for anything else is not a delivery. Rows stored
    before have none: their receipts are checked by signature alone."""
    db.execute("ALTER TABLE submissions ADD COLUMN content_sha256 TEXT")


@migrations()
def m006_progress(db: Database) -> None:
    """The last review state the central service gave for each reference this kiosk issued
    (store.progress): shown when the citizen checks the progress of an application offline.
    The note is addressed to the citizen: it goes with the row at the end of retention."""
    run_script(db, """
    CREATE TABLE progress (
        reference TEXT PRIMARY KEY,       -- a submission's reference, as printed
        state TEXT NOT NULL CHECK (state IN ('received', 'in_review', 'needs_information',
                                             'approved', 'rejected')),
        changed_at TEXT NOT NULL,         -- when the council changed it, as the service says
        note TEXT,                        -- the council's note to the citizen, if any
        checked_at TEXT NOT NULL          -- when the kiosk last heard it from the service
    );
    """)


class NewerSchema(Exception):
    """The database holds migrations this version of the kiosk does not know: a newer kiosk
    wrote it (a downgrade). Opening it would read tables this code does not understand."""

    def __init__(self, unknown: list[str]):
        self.unknown = unknown
        super().__init__(
            "This kiosk's database was written by a newer version of the kiosk (it has "
            f"{', '.join(unknown)}, which kiosk {version()} does not know). Nothing was changed: "
            "install that newer version again (IT: the package refuses downgrades for this "
            "reason).")


def unknown_migrations(db: Database) -> list[str]:
    known = {migration.name for migration in migrations._migrations}
    return [applied.name for applied in migrations.applied(db) if applied.name not in known]


def migrate(db: Database) -> None:
    """Refuse a database from a newer kiosk (NewerSchema), then apply what is pending, all of it in one transaction that holds SQLite's write lock.

    Processes starting at once on a new folder take turns (BEGIN IMMEDIATE waits out the
    connection's busy timeout), and each reads what is already applied only once it holds the
    lock, so no migration runs twice. A start with nothing pending takes no lock at all.
    (A migration that cannot run inside a transaction, VACUUM say, would need a step of its own.)"""
    if unknown := unknown_migrations(db):
        raise NewerSchema(unknown)
    if not migrations.pending(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)  # its own transactions nest inside this one (savepoints)
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")
