"""`kiosk doctor`'s checks that need no Qt, each on a kiosk that is right and on one that is
wrong the way kiosks in the field go wrong."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk import doctor
from kiosk.config import Config, load_config
from kiosk.doctor import FAIL, OK, WARN, Findings

SAMPLE_FORMS = Path(__file__).resolve().parents[2] / "assets" / "forms"


def _config(tmp_path, **values) -> Config:
    return Config(data_dir=tmp_path / "data", **values)


def test_a_misspelt_key_fails_the_configuration_by_name(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "LIB01"\nidle_secnds = 60\n')
    findings = Findings()
    row = doctor.check_config(str(file), findings, environ={})
    assert row.status == FAIL and "'idle_secnds'" in row.found and "idle_seconds" in row.found
    assert findings.config is None


def test_no_file_is_a_warning_with_where_it_was_looked_for(tmp_path):
    row = doctor.check_config(None, Findings(), environ={"KIOSK_CONFIG": ""})
    assert row.status == WARN and "kiosk.toml" in row.found and row.advice


def test_a_token_anyone_can_read_is_a_warning(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('[destinations.central]\nurl = "https://central.example.org"\n'
                    'token = "kd_secret"\nkey_fingerprint = "sha256:' + "0" * 64 + '"\n')
    file.chmod(0o644)
    assert doctor.check_config(str(file), Findings(), environ={}).status == WARN
    file.chmod(0o640)
    assert doctor.check_config(str(file), Findings(), environ={}).status == OK


def test_a_data_folder_that_is_a_file_fails(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    row = doctor.check_data_folder(_config(tmp_path))
    assert row.status == FAIL and "is a file" in row.found


def test_a_data_folder_not_made_yet_is_fine_and_a_writable_one_says_its_free_space(tmp_path):
    assert doctor.check_data_folder(_config(tmp_path)).status == OK
    (tmp_path / "data").mkdir()
    row = doctor.check_data_folder(_config(tmp_path))
    assert row.status == OK and "writable" in row.found and "GB free" in row.found


def test_a_data_folder_short_of_disk_space_fails(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    monkeypatch.setattr(doctor, "LOW_DISK_BYTES", 10 ** 18)  # more than any disk has free
    row = doctor.check_data_folder(_config(tmp_path))
    assert row.status == FAIL and "disk space" in row.advice


def test_the_database_intact_then_damaged(tmp_path):
    config = _config(tmp_path)
    assert doctor.check_database(config).status == WARN  # not made yet
    config.open_store().close()

    def audit_entries() -> int:
        with sqlite3.connect(config.database_path) as conn:
            return conn.execute("SELECT count(*) FROM audit").fetchone()[0]

    before = audit_entries()
    # IT edited the configuration since the kiosk last ran: the doctor only looks, and leaves
    # noting the change in the audit log to the kiosk.
    row = doctor.check_database(config.model_copy(update={"printer": "none"}))
    assert row.status == OK and "intact" in row.found
    assert audit_entries() == before
    with open(config.database_path, "r+b") as damaged:  # a power cut mid-write, say
        damaged.seek(4096)
        damaged.write(b"\xff" * 8192)
    row = doctor.check_database(config)
    assert row.status == FAIL and row.advice


def test_forms_that_do_not_load_fail_and_the_samples_pass(tmp_path):
    row = doctor.check_forms(_config(tmp_path, forms_dir=SAMPLE_FORMS))
    assert row.status == OK and "report_problem" in row.found
    broken = tmp_path / "forms"
    broken.mkdir()
    (broken / "broken.yaml").write_text("form_id: broken\nsurvey: [\n")
    row = doctor.check_forms(_config(tmp_path, forms_dir=broken))
    assert row.status == FAIL and "do not load" in row.found
    empty = tmp_path / "empty"
    empty.mkdir()
    assert doctor.check_forms(_config(tmp_path, forms_dir=empty)).status == FAIL


def test_forms_sending_to_a_destination_that_is_not_configured_warn(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text(f'forms_dir = "{SAMPLE_FORMS}"\n[destinations.odk]\ntype = "openrosa"\n'
                    'url = "https://odk.example.org/v1/projects/1"\n')
    row = doctor.check_forms(load_config(file, environ={}))
    assert row.status == WARN and "central" in row.found


def test_receipt_fonts_cover_every_language():
    row = doctor.check_receipt_fonts(["en", "fr", "es", "ar"])
    assert row.status == OK and "ar" in row.found


def test_a_clock_before_the_build_fails():
    row = doctor.check_clock(Findings(), now=datetime(2001, 1, 1, tzinfo=UTC))
    assert row.status == FAIL and "before this kiosk was built" in row.found


def test_a_clock_compared_with_the_central_service():
    now = datetime.now(UTC)
    assert doctor.check_clock(Findings(server_dates=[now - timedelta(seconds=3)]), now).status == OK
    assert doctor.check_clock(Findings(server_dates=[now + timedelta(minutes=5)]), now).status == WARN
    row = doctor.check_clock(Findings(server_dates=[now - timedelta(hours=2)]), now)
    assert row.status == FAIL and "7200 s off" in row.found


def test_the_table_has_a_row_each_advice_under_it_and_a_count():
    rows = [doctor.Row("printer", WARN, "no printer", "connect one"),
            doctor.Row("clock", OK, "fine")]
    text = doctor.table(rows)
    assert text.splitlines()[1].split()[:2] == ["printer", "WARN"]
    assert "-> connect one" in text.splitlines()[2]
    assert text.endswith("2 checks: 1 OK, 1 WARN, 0 FAIL")
    assert doctor.exit_code(rows) == 0
    assert doctor.exit_code([*rows, doctor.Row("forms", FAIL, "none", "add")]) == 1
