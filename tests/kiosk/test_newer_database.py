"""A kiosk put back to an older version (a downgrade) meets a database a newer one wrote: it
refuses to open it, says why, and changes nothing in it."""

import hashlib
import sqlite3

import pytest

from kiosk.store import Store, StoreError
from kiosk.version import version


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _written_by_a_newer_kiosk(path):
    """What a newer kiosk leaves: a migration this version has never heard of, applied."""
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('kiosk', 'm099_from_a_newer_kiosk', '2027-01-01 00:00:00+00:00')")
    conn.close()


def test_a_database_from_a_newer_kiosk_is_refused_by_name_and_left_as_it_was(tmp_path):
    database = tmp_path / "data" / "kiosk.db"
    with Store(database, site_id="LIB01") as store:
        store.settings.put("probe", {"kept": True})
    _written_by_a_newer_kiosk(database)
    before = _digest(database)

    with pytest.raises(StoreError) as refused:
        Store(database, site_id="LIB01")

    message = str(refused.value)
    assert "newer version of the kiosk" in message
    assert "m099_from_a_newer_kiosk" in message
    assert version() in message
    assert _digest(database) == before
    with sqlite3.connect(database) as conn:  # nothing of this version's was added to it
        names = [name for (name,) in conn.execute(
            "SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    conn.close()
    assert names[-1] == "m099_from_a_newer_kiosk"


def test_the_command_line_says_it_in_one_line_without_a_traceback(tmp_path, monkeypatch, capsys):
    from ui.cli import main

    data = tmp_path / "data"
    with Store(data / "kiosk.db"):
        pass
    _written_by_a_newer_kiosk(data / "kiosk.db")
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{data}"\n', encoding="utf-8")

    assert main(["status", "--config", str(config)]) != 0
    said = capsys.readouterr()
    assert "newer version of the kiosk" in said.out + said.err
    assert "Traceback" not in said.out + said.err
