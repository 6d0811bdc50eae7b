"""`kiosk central ...` as staff use it: set up, add a kiosk, serve, export."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import requests

from kiosk.sealing import SealingKey
from sync.central.server import CentralServer

from .central_kit import run, sealed_body

ROOT = Path(__file__).resolve().parents[3]


def _destination(toml_text: str) -> dict:
    return tomllib.loads(toml_text)["destinations"]["central"]


def test_init_prints_the_kiosk_config_block_and_the_admin_token_once(tmp_path, capsys):
    folder = tmp_path / "central"
    assert run("init", "--data-dir", str(folder), "--url", "http://127.0.0.1:8765/",
               "--device", "hall-7") == 0
    out, err = capsys.readouterr()
    block = _destination(out)
    assert block["type"] == "rest" and block["url"] == "http://127.0.0.1:8765"
    assert block["device_id"] == "hall-7" and block["key_fingerprint"].startswith("sha256:")
    assert "shown once" in err and "staff" in err
    admin_token = err.strip().rsplit(" ", 1)[-1]
    assert admin_token not in out and block["token"] not in err

    # What the block says is enough to send a submission the service accepts.
    key = SealingKey.from_text(block["public_key"], block["key_fingerprint"])
    body = sealed_body(key, {"service": "library"}, device_id="hall-7")
    with CentralServer(folder, log=lambda line: None) as server:
        sent = requests.post(server.url + "/v1/submissions", json=body, timeout=10, headers={
            "Authorization": f"Bearer {block['token']}", "Idempotency-Key": body["instance_id"]})
        assert sent.status_code == 201
        listed = requests.get(server.url + "/v1/devices", timeout=10,
                              headers={"Authorization": f"Bearer {admin_token}"})
        assert listed.status_code == 200


def test_a_second_init_is_refused_naming_the_key_file(central_dir, capsys):
    folder, init = central_dir
    code = run("init", "--data-dir", str(folder), "--url", "https://central.example.org")
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert str(folder / "central.key") in err and "Traceback" not in err
    assert (folder / "central.key").read_bytes()  # the first key is untouched


def test_init_refuses_a_url_kiosks_cannot_use(tmp_path, capsys):
    assert run("init", "--data-dir", str(tmp_path / "c"), "--url", "ftp://somewhere") == 1
    assert "not a URL" in capsys.readouterr().err
    assert not (tmp_path / "c" / "central.key").exists()


def test_init_warns_about_plain_http_beyond_this_machine(tmp_path, capsys):
    assert run("init", "--data-dir", str(tmp_path / "c"), "--url", "http://central.lan") == 0
    assert "warning: http://central.lan is plain http" in capsys.readouterr().err


def test_add_device_prints_a_block_for_the_new_kiosk(central_dir, capsys):
    folder, init = central_dir
    assert run("add-device", "--data-dir", str(folder), "--device", "kiosk-02") == 0
    block = _destination(capsys.readouterr().out)
    assert block["device_id"] == "kiosk-02" and block["token"] != init.device_token
    assert block["url"] == "http://127.0.0.1:8765"
    assert block["public_key"] == init.public_key
    assert run("add-device", "--data-dir", str(folder), "--device", "kiosk-02") == 1
    assert "already exists" in capsys.readouterr().err
    assert run("add-device", "--data-dir", str(folder), "--device", "../etc") == 1
    assert "not a usable device id" in capsys.readouterr().err


def test_a_revoked_kiosk_is_refused(service, capsys):
    assert run("revoke-device", "--data-dir", str(service.data_dir), "--device", "kiosk-01") == 0
    assert service.post(sealed_body(service.key, {"n": 1})).status_code == 403
    assert run("revoke-device", "--data-dir", str(service.data_dir), "--device", "nobody") == 1
    assert "no device called nobody" in capsys.readouterr().err


def test_serve_refuses_a_folder_that_was_never_set_up(tmp_path, capsys):
    assert run("serve", "--data-dir", str(tmp_path), "--port", "0") == 2
    err = capsys.readouterr().err
    assert "kiosk central init" in err and err.count("\n") == 1


@pytest.mark.network  # `kiosk central serve` in a subprocess, on loopback
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_runs_until_a_signal_and_exits_cleanly(central_dir, stop):
    folder, init = central_dir
    secret = "hedgehog-lantern-2024"
    command = [sys.executable, "-m", "sync.central", "serve", "--data-dir", str(folder),
               "--port", "0"]
    with subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) as process:
        try:
            first = process.stderr.readline()  # written once it is listening
            assert "listening on http://" in first, first
            url = first.split("listening on ", 1)[1].split()[0]
            body = sealed_body(SealingKey.from_text(init.public_key), {"comment": secret})
            sent = requests.post(url + "/v1/submissions", json=body, timeout=10, headers={
                "Authorization": f"Bearer {init.device_token}",
                "Idempotency-Key": body["instance_id"]})
            assert sent.status_code == 201
            process.send_signal(stop)
            rest = process.stderr.read()
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
    assert "POST /v1/submissions 201" in rest
    assert "stopped" in rest and "Traceback" not in rest
    assert secret not in first + rest and init.device_token not in first + rest


def _sent(service_key, answers: list[dict]) -> list[dict]:
    return [sealed_body(service_key, a) for a in answers]


ANSWERS = [{"service": "library", "rating": 5, "comment": "Très bien, merci"},
           {"service": "parks", "rating": 2, "visits": [{"when": "May"}, {"when": "June"}]}]


@pytest.fixture
def received(service):
    bodies = _sent(service.key, ANSWERS)
    receipts = [service.post(body).json() for body in bodies]
    return service, bodies, receipts


def test_export_jsonl_opens_every_submission(received, capsys):
    service, bodies, receipts = received
    assert run("export", "--data-dir", str(service.data_dir)) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["answers"] for r in records] == ANSWERS
    for record, body, receipt in zip(records, bodies, receipts, strict=True):
        assert record["instance_id"] == body["instance_id"]
        assert record["receipt_id"] == receipt["receipt_id"]
        assert record["received_at"] == receipt["received_at"]
        assert {k: record[k] for k in ("reference", "device_id", "form_id", "form_version",
                                       "created_at", "language")} == {
            "reference": body["reference"], "device_id": "kiosk-01", "form_id": "feedback",
            "form_version": "1", "created_at": body["created_at"], "language": "en"}
    assert "2 submissions exported" in err
    assert run("export", "--data-dir", str(service.data_dir), "--form", "other") == 0
    assert capsys.readouterr().out == ""


def test_export_csv_has_a_column_per_answer(received, capsys):
    service, bodies, _receipts = received
    assert run("export", "--data-dir", str(service.data_dir), "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["instance_id", "reference", "form_id", "form_version", "device_id",
                             "created_at", "received_at", "service", "rating", "comment",
                             "visits"]
    assert [r["instance_id"] for r in rows] == [b["instance_id"] for b in bodies]
    assert rows[0]["comment"] == "Très bien, merci" and rows[0]["rating"] == "5"
    assert rows[0]["visits"] == "" and rows[1]["comment"] == ""
    assert json.loads(rows[1]["visits"]) == ANSWERS[1]["visits"]


def test_export_keeps_a_spreadsheet_from_running_a_citizens_text(service, capsys):
    service.post(sealed_body(service.key, {"comment": "=HYPERLINK(\"x\")", "score": "-3"}))
    run("export", "--data-dir", str(service.data_dir), "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["comment"] == "'=HYPERLINK(\"x\")" and row["score"] == "-3"


def test_export_of_a_folder_that_was_never_set_up_is_refused(tmp_path, capsys):
    assert run("export", "--data-dir", str(tmp_path)) == 2
    out, err = capsys.readouterr()
    assert out == "" and "kiosk central init" in err
