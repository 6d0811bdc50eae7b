"""Several kiosk processes started at the same moment on a new data folder (the kiosk and
`kiosk sync --once` after an install, say) all start, with one install key and one schema
(issue 19, item 7). Real processes, real files: tests/support/first_start.py."""

import os
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from kiosk.store import Store, StoreError
from kiosk.store.keys import load_or_create_key
from kiosk.store.schema import migrations
from tests.support.first_start import start_together

PROCESSES = 3
ROUNDS = 10
MIGRATIONS = [migration.name for migration in migrations._migrations]


def _schema(database: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master"
                            " WHERE name != '_sqlite_migrations' ORDER BY name").fetchall()
    finally:
        conn.close()


def _applied(database: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return [name for (name,) in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'kiosk' ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def one_start_schema(tmp_path):
    """The schema a kiosk started alone makes."""
    with Store(tmp_path / "alone" / "kiosk.db"):
        pass
    return _schema(tmp_path / "alone" / "kiosk.db")


def test_processes_starting_together_on_a_new_folder_all_start_with_one_key_and_one_schema(
        tmp_path, one_start_schema):
    rounds = start_together(tmp_path / "race", PROCESSES, ROUNDS)

    # Every process started, and each one's draft opens after them all: one key between them.
    assert [failure for outcome in rounds for failure in outcome.failures] == []
    assert sum(outcome.started for outcome in rounds) == PROCESSES * ROUNDS
    for outcome in rounds:
        key = outcome.folder / "install.key"
        assert len(key.read_bytes()) == 32
        assert sorted(path.name for path in outcome.folder.iterdir()
                      if "install.key" in path.name) == ["install.key"]  # nothing half-made left
        # Each migration ran once, and the tables are those of a kiosk started alone.
        assert _applied(outcome.folder / "kiosk.db") == MIGRATIONS
        assert _schema(outcome.folder / "kiosk.db") == one_start_schema
        with Store(outcome.folder / "kiosk.db") as store:  # what `kiosk status` checks
            assert store.verify_audit().ok


def test_processes_starting_together_after_an_update_apply_its_migration_once(
        tmp_path, one_start_schema):
    """A kiosk updated with a new migration, then its processes started at once."""
    race = tmp_path / "race"
    for number in range(3):
        folder = race / f"round-{number}"
        folder.mkdir(parents=True)
        load_or_create_key(folder)
        db = Database(folder / "kiosk.db")
        migrations.apply(db, stop_before=MIGRATIONS[-1])  # the database of the version before
        db.close()

    rounds = start_together(race, PROCESSES, 3)

    assert [failure for outcome in rounds for failure in outcome.failures] == []
    for outcome in rounds:
        assert _applied(outcome.folder / "kiosk.db") == MIGRATIONS
        assert _schema(outcome.folder / "kiosk.db") == one_start_schema


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_a_new_database_its_log_and_the_key_are_readable_by_the_kiosk_alone(tmp_path):
    folder = tmp_path / "data"
    with Store(folder / "kiosk.db") as store:
        store.drafts.autosave("draft-1", {"form_id": "f", "form_version": "1"})  # type: ignore[typeddict-item]
        files = {path.name: path.stat().st_mode & 0o777 for path in folder.iterdir()}
    assert files == {"kiosk.db": 0o600, "kiosk.db-wal": 0o600, "kiosk.db-shm": 0o600,
                     "install.key": 0o600}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_an_older_kiosks_files_open_to_others_are_made_its_own_at_the_next_start(tmp_path):
    folder = tmp_path / "data"
    with Store(folder / "kiosk.db") as store:
        store.drafts.autosave("draft-1", {"form_id": "f", "form_version": "1"})  # type: ignore[typeddict-item]
        for path in folder.iterdir():  # as kiosks before issue 20 could leave them
            path.chmod(0o644)
    # Another local account could read them now: the next start takes them back.
    assert {path.name: path.stat().st_mode & 0o777 for path in folder.iterdir()} == {
        "kiosk.db": 0o644, "install.key": 0o644}
    with Store(folder / "kiosk.db") as store:
        store.drafts.autosave("draft-1", {"form_id": "f", "form_version": "1"})  # type: ignore[typeddict-item]
        files = {path.name: path.stat().st_mode & 0o777 for path in folder.iterdir()}
    assert files == {"kiosk.db": 0o600, "kiosk.db-wal": 0o600, "kiosk.db-shm": 0o600,
                     "install.key": 0o600}


def test_a_key_cut_off_by_a_power_cut_while_being_written_does_not_stop_the_next_start(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / ".install.key.4242-0badc0de.tmp").write_bytes(b"half a key")  # never linked
    with Store(folder / "kiosk.db") as store:
        store.drafts.autosave("draft-1", {"form_id": "f", "form_version": "1"})  # type: ignore[typeddict-item]
    assert len((folder / "install.key").read_bytes()) == 32
    with Store(folder / "kiosk.db") as store:
        assert store.drafts.load_draft("draft-1") is not None


def test_a_key_file_of_the_wrong_size_is_still_refused_by_name(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "install.key").write_bytes(b"half a key")
    with pytest.raises(StoreError, match="install.key is not a kiosk key"):
        Store(folder / "kiosk.db")
