"""`kiosk sync` as IT runs it: --once says what is left and exits non-zero when it must."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from pathlib import Path

from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config
from tests.sync.scripted_service import ScriptedService
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _submit(config, count: int) -> None:
    with config.open_store() as store:
        for number in range(count):
            visit = fake_submission(number)
            visit["instance_id"] = f"uuid:{uuid.uuid4()}"
            store.outbox.submit(visit)


def test_once_sends_everything_and_says_so(tmp_path, central, capsys):
    config = kiosk_config(tmp_path, central)
    _submit(config, 3)
    assert main(["sync", "--once", "--config", str(tmp_path / "kiosk.toml")]) == 0
    out = capsys.readouterr().out
    assert "central: 3 delivered, 0 to retry, 0 rejected" in out
    assert "Everything has been delivered." in out
    assert main(["status", "--config", str(tmp_path / "kiosk.toml")]) == 0
    out = capsys.readouterr().out
    rows = {line[:22].strip(): line[22:].strip() for line in out.splitlines()}
    assert rows["delivered"] == "3" and rows["sending to central"] == "ok"
    assert rows["waiting to send"] == "0"


def test_once_exits_non_zero_when_something_was_rejected(tmp_path, central, capsys):
    with ScriptedService(central) as service:
        kiosk_config(tmp_path, central, url=service.url)
        service.script = [(400, {}, {"error": "the answer 'age' is not a number"})]
        _submit(kiosk_config(tmp_path, central, url=service.url), 2)
        assert main(["sync", "--once", "--config", str(tmp_path / "kiosk.toml")]) == 1
    captured = capsys.readouterr()
    assert "central: 1 delivered, 0 to retry, 1 rejected" in captured.out
    assert "1 rejected (staff must look at those)" in captured.err


def test_once_exits_non_zero_when_the_service_is_unreachable(tmp_path, central, capsys):
    _submit(kiosk_config(tmp_path, central, url="http://127.0.0.1:9"), 1)
    assert main(["sync", "--once", "--config", str(tmp_path / "kiosk.toml")]) == 1
    captured = capsys.readouterr()
    assert "offline: the service could not be reached" in captured.out
    assert "1 waiting to send" in captured.err


def test_no_destination_is_explained(tmp_path, capsys):
    file = tmp_path / "kiosk.toml"
    file.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    assert main(["sync", "--once", "--config", str(file)]) == 2
    assert "No destination is configured" in capsys.readouterr().err


def test_sync_runs_on_until_it_is_stopped(tmp_path, central):
    config = kiosk_config(tmp_path, central)
    file = tmp_path / "kiosk.toml"
    file.write_text(file.read_text().replace("heartbeat_minutes = 5",
                                             "heartbeat_minutes = 5\nsync_interval_seconds = 1"))
    _submit(config, 2)
    child = subprocess.Popen([sys.executable, "-m", "ui.cli", "sync", "--config", str(file)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()  # a line per round that did something
        assert first.startswith("central: 2 delivered")
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
