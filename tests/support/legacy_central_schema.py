"""The central database as it was before the Django models (sqlite-utils migrations m001-m004):
kept so a test can make one and see `kiosk central` upgrade it, rows and all."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kiosk.store.schema import run_script  # statement by statement, inside the migration

migrations = Migrations("central")


@migrations()
def m001_initial(db: Database) -> None:
    run_script(db, """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,  -- sha256 hex of the token; the token is never stored
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE admin_tokens (
        token_hash TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
    );
    CREATE TABLE submissions (
        instance_id TEXT PRIMARY KEY,     -- the idempotency key
        seq INTEGER NOT NULL UNIQUE,      -- receive order: rowids may change on VACUUM
        reference TEXT NOT NULL,
        device_id TEXT NOT NULL REFERENCES devices(id),
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        created_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        receipt_id TEXT NOT NULL UNIQUE,
        payload_sha256 TEXT NOT NULL,     -- of the opened payload: tells a resend from a clash
        envelope BLOB NOT NULL            -- still sealed: at rest the answers stay encrypted
    );
    CREATE INDEX submissions_form ON submissions(form_id, seq);
    CREATE TABLE heartbeats (
        device_id TEXT PRIMARY KEY REFERENCES devices(id),
        received_at TEXT NOT NULL,
        queue_depth INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        oldest_waiting TEXT,
        last_sync_at TEXT,
        version TEXT NOT NULL,
        free_disk_bytes INTEGER NOT NULL
    );
    """)


@migrations()
def m002_consultation_tallies(db: Database) -> None:
    # Counts only, per option: what a consultation's results are made of. Nothing here says
    # who answered what; last_seq is how far the submissions have been counted.
    run_script(db, """
    CREATE TABLE consultation_tallies (
        form_id TEXT NOT NULL,
        question TEXT NOT NULL,
        option TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (form_id, question, option)
    );
    CREATE TABLE consultation_progress (
        form_id TEXT NOT NULL,
        question TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (form_id, question)
    );
    """)


@migrations()
def m003_consultation_weeks(db: Database) -> None:
    # Counts per ISO week (of created_at, as the open data has them): the running results are
    # the sum of the weekly counts the open data publishes, closed weeks only. The old
    # all-weeks counts cannot be split into weeks: counting starts again from the first
    # submission (the envelopes are all kept).
    run_script(db, """
    DROP TABLE consultation_tallies;
    DELETE FROM consultation_progress;
    CREATE TABLE consultation_week_tallies (
        form_id TEXT NOT NULL,
        question TEXT NOT NULL,
        week TEXT NOT NULL,
        option TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (form_id, question, week, option)
    );
    """)


@migrations()
def m004_audit_anchors(db: Database) -> None:
    # Each kiosk's audit log head as its heartbeats report it: off the kiosk, so a log cut
    # short or rewritten on its disk is seen here. A problem stays until staff accept it.
    run_script(db, """
    CREATE TABLE audit_anchors (
        device_id TEXT PRIMARY KEY REFERENCES devices(id),
        seq INTEGER NOT NULL,             -- the newest entry the kiosk reported
        hash TEXT NOT NULL,               -- and its hash
        anchored_at TEXT NOT NULL,
        problem TEXT,                     -- "cut short: ..." / "rewritten: ..." / NULL
        problem_at TEXT
    );
    """)


def migrate(db: Database) -> None:
    migrations.apply(db)
