"""`kiosk forms try --submit` and `kiosk status` against a real data folder."""

import json
import re
from pathlib import Path

from kiosk.store import Store
from tests.kiosk.store_helpers import fake_submission, scribble
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "tests" / "kiosk" / "data" / "answers"
FORMS = ROOT / "assets" / "forms"


def test_submit_stores_each_answer_set_and_prints_its_reference(data_dir, capsys):
    code = main(["forms", "try", str(FORMS / "housing_assistance.yaml"),
                 "--answers", str(ANSWERS / "housing_assistance.valid.jsonl"), "--submit"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    references = [line.rsplit(" ", 1)[-1] for line in out]
    assert len(references) == 3 and all(r.startswith("HALL7-") for r in references)
    with Store(data_dir / "kiosk.db") as store:
        stored = [store.outbox.submission(r) for r in references]
    assert [s["form_id"] for s in stored] == ["housing_assistance"] * 3
    assert stored[0]["answers"]["full_name"] == "Sam Example"


def test_a_wrong_answer_set_is_not_stored(data_dir, capsys):
    code = main(["forms", "try", str(FORMS / "report_problem.yaml"),
                 "--answers", str(ANSWERS / "report_problem.invalid.json"), "--submit"])
    assert code == 1
    with Store(data_dir / "kiosk.db") as store:
        assert store.status()["submissions"]["queued"] == 0


def test_status_shows_the_queue_health_and_audit(data_dir, capsys):
    main(["forms", "try", str(FORMS / "report_problem.yaml"),
          "--answers", str(ANSWERS / "report_problem.valid.jsonl"), "--submit"])
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["healthy"] is True
    assert status["site_id"] == "hall7"
    assert status["submissions"]["queued"] == 3
    assert status["oldest_waiting"] is not None
    assert status["integrity"] == "ok" and status["audit_chain_ok"] is True
    assert status["database_bytes"] > 0
    assert main(["status"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"waiting to send\s+3, oldest from \d{4}-\d\d-\d\d \d\d:\d\d", text)
    assert re.search(r"audit log\s+intact", text)


def test_status_fails_when_the_audit_log_was_altered(data_dir, capsys):
    with Store(data_dir / "kiosk.db") as store:
        store.record("helper_unlock", {"helper": "Ana"}, actor="helper:Ana")
        store._db.conn.execute("DROP TRIGGER audit_no_update")
        store._db.conn.execute("UPDATE audit SET actor = 'nobody'")
        store._db.conn.commit()
    assert main(["status", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["audit_chain_ok"] is False


def test_a_bad_config_is_one_clear_line(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text('data_dri = "/tmp/x"\n')
    assert main(["status", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'data_dri' (did you mean 'data_dir'?)" in err
    assert "Traceback" not in err


def test_configuration_changes_are_audited_by_key_name(data_dir, tmp_path, monkeypatch, capsys):
    Store(data_dir / "kiosk.db").close()  # the kiosk has run once
    assert main(["status"]) == 0
    monkeypatch.setenv("KIOSK_DRAFT_EXPIRY_DAYS", "10")
    assert main(["status"]) == 0
    assert main(["status"]) == 0  # nothing changed this time
    with Store(data_dir / "kiosk.db") as store:
        rows = store._db.conn.execute(
            "SELECT detail FROM audit WHERE event = 'config_changed' ORDER BY seq").fetchall()
    details = [json.loads(row[0]) for row in rows]
    assert [d["keys"] for d in details] == [["(first start)"], ["draft_expiry_days"]]
    assert "10" not in rows[1][0]  # names only, never values


def test_status_without_a_database_says_where_it_looked(data_dir, capsys):
    assert main(["status"]) == 1
    assert "no kiosk database at" in capsys.readouterr().err
    assert not (data_dir / "kiosk.db").exists()


def test_status_on_a_damaged_database_is_not_healthy(data_dir, capsys):
    with Store(data_dir / "kiosk.db", site_id="hall7") as store:
        for number in range(30):
            store.outbox.submit(fake_submission(number))
    scribble(data_dir / "kiosk.db")
    first = main(["status", "--json"])
    second = main(["status", "--json"])
    capsys.readouterr()
    assert first != 0 and second != 0
