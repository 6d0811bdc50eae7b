"""The log file's own rules: it stays small, keeps a few older copies, and a folder that
cannot be written costs the log, not the kiosk."""

import logging

import pytest

from kiosk import logs


@pytest.fixture(autouse=True)
def _closed():
    yield
    logs.close_logging()


def test_the_log_rotates_and_keeps_only_a_few_old_copies(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 4_000)
    path = logs.setup_logging(tmp_path)
    assert path == tmp_path / "logs" / "kiosk.log"
    for number in range(2_000):
        logging.getLogger("sync.rounds").info("sync round: central: %d delivered", number)
    kept = sorted(p.name for p in path.parent.iterdir())
    assert kept == ["kiosk.log", *(f"kiosk.log.{n}" for n in range(1, logs.BACKUPS + 1))]
    assert all(p.stat().st_size <= 4_000 for p in path.parent.iterdir())
    assert "1999 delivered" in path.read_text()  # the newest is in the current file


def test_other_libraries_records_stay_out(tmp_path):
    path = logs.setup_logging(tmp_path)
    logging.getLogger("urllib3.connectionpool").warning(
        "GET /v1/key/SECRET-APP-USER-TOKEN/projects/1/submission")
    logging.getLogger("kiosk.store").warning("the database was set aside")
    text = path.read_text()
    assert "the database was set aside" in text and "SECRET-APP-USER-TOKEN" not in text


def test_a_data_folder_that_is_a_file_costs_the_log_not_the_kiosk(tmp_path, capsys):
    blocked = tmp_path / "data"
    blocked.write_text("not a folder")
    assert logs.setup_logging(blocked) is None
    assert "no log file" in capsys.readouterr().err
