"""`kiosk doctor` as IT runs it: the whole table against a real central service on loopback,
the Qt checks (display, printer, fonts), and a broken kiosk that exits 1."""

import json
import os
import subprocess
import sys

from kiosk.config import Config
from tests.support.central import kiosk_config
from tests.support.paths import ROOT
from ui import doctor


def _rows(capsys) -> dict:
    return {row["check"]: row for row in json.loads(capsys.readouterr().out)["checks"]}


def test_a_working_kiosk_with_its_central_service_has_no_fail(tmp_path, central, capsys, qapp):
    config = kiosk_config(tmp_path, central)
    file = config.source
    file.write_text(file.read_text().replace("heartbeat_minutes", 'printer = "none"\n'
                                             "heartbeat_minutes"))
    file.chmod(0o600)
    config.open_store().close()  # the kiosk has run once
    code = doctor.run_doctor(str(file), as_json=True)
    rows = _rows(capsys)
    assert code == 0, [row for row in rows.values() if row["status"] == "FAIL"]
    assert rows["configuration"]["status"] == "OK"
    assert rows["data folder"]["status"] == "OK" and rows["database"]["status"] == "OK"
    assert rows["forms"]["status"] == "OK"
    assert rows["central (central)"]["status"] == "OK"
    assert "token accepted" in rows["central (central)"]["found"]
    assert rows["clock"]["status"] == "OK" and "central service's clock" in rows["clock"]["found"]
    assert rows["printer"]["status"] == "OK"  # printer = "none" is a choice
    assert rows["display"]["status"] == "WARN"  # offscreen is not a screen
    assert rows["speech"]["status"] in ("OK", "WARN")  # depends on this machine's engine
    assert all(row["advice"] for row in rows.values() if row["status"] != "OK")


def test_a_broken_kiosk_says_each_problem_and_exits_1(tmp_path):
    (tmp_path / "kiosk.toml").write_text('site_id = "LIB01"\nprinter = "Front desk"\n'
                                         'idle_secnds = 60\n')
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                   "QT_QPA_PLATFORM": "offscreen", "KIOSK_SPEECH_ENGINE": "mock"}  # no daemon
    result = subprocess.run([sys.executable, "-m", "ui.cli", "doctor", "--config",
                             str(tmp_path / "kiosk.toml")], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CHECK", "STATUS", "FOUND"]
    config_row = next(line for line in lines if line.startswith("configuration"))
    assert "FAIL" in config_row and "'idle_secnds'" in config_row
    assert any(line.startswith("database") and "not checked" in line for line in lines)
    assert lines[-1].endswith("FAIL") and "checks:" in lines[-1]


def test_a_named_printer_that_is_not_there_fails(qapp):
    row = doctor.check_printer(Config(printer="Front desk receipt printer"))
    assert row.status == "FAIL" and "Front desk receipt printer" in row.found and row.advice


def test_no_display_is_a_fail_and_offscreen_a_warning(qapp, monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":97")  # no X server listens there
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    reachable = doctor.display_reachable()
    assert reachable[0] is False and ":97" in reachable[1]
    assert doctor.check_display(qapp, reachable).status == "FAIL"
    assert doctor.check_display(qapp, (True, "QT_QPA_PLATFORM=offscreen")).status == "WARN"


def test_every_language_has_a_font_on_screen(qapp):
    row = doctor.check_screen_fonts(["en", "fr", "es", "ar"])
    assert row.status == "OK" and "ar" in row.found


def test_updates_say_whether_a_release_key_is_pinned_and_how_the_last_update_went(tmp_path):
    from datetime import UTC, datetime

    from kiosk import doctor as checks
    from kiosk.updates.signing import generate_key
    from kiosk.updates.staging import UpdateFolder

    unpinned = checks.check_updates(Config(data_dir=tmp_path))
    assert unpinned.status == "WARN" and "no release key pinned" in unpinned.found
    assert "[updates] public_key" in unpinned.advice
    _, public = generate_key()
    config = Config(data_dir=tmp_path, updates={"public_key": public})
    assert checks.check_updates(config).status == "OK"
    UpdateFolder(config.updates_dir).note("rolled_back", "9.2.0", datetime.now(UTC),
                                          "version 9.2.0 failed its self-test")
    rolled = checks.check_updates(config)
    assert rolled.status == "WARN"
    assert "9.2.0 was rolled back: version 9.2.0 failed its self-test" in rolled.found
    assert "journalctl -u kiosk-update" in rolled.advice
