"""Delivering into ODK Central as Central's own code behaves (tests/sync/openrosa_server.py):
managed encryption renames every form version, and Central stores answers under paths its form
does not have but leaves them out of every export. The kiosk states the version the server's
form list gives, and holds a form whose paths the server's XForm lacks, saying which."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kiosk.doctor import FAIL, OK, WARN, Findings
from sync.doctor import check_destinations
from sync.worker import SyncWorker
from tests.sync.odk_decryption import Undecryptable, decrypt_submission
from tests.sync.openrosa_kit import kiosk, kit_xform, rsa_keys, visit, write_form
from tests.sync.openrosa_server import OpenRosaServer

CENTRAL_RENAMED = re.compile(r"3\[encrypted:[A-Za-z0-9+/]{8}\]")
# The server's form as the original XLSForm names it; the kiosk's form had to rename it.
SERVER_NAMES = (("noticed_at", "noticed-at"),)


@pytest.fixture(scope="module")
def keys():
    return rsa_keys()


def _xform_downloads(server: OpenRosaServer, form_id: str) -> int:
    return sum(1 for method, path, _ in server.answers
               if method == "GET" and path.endswith(f"/forms/{form_id}.xml"))


def test_a_managed_encryption_project_takes_every_submission_under_the_version_central_gave(
        tmp_path, keys):
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, managed_key=public, private_key=private,
                        signature_checked=False) as server, \
            kiosk(tmp_path, server, public_key=public) as k:
        renamed, = server.forms["street_report"]  # Central knows the form by this name only
        assert CENTRAL_RENAMED.fullmatch(renamed)
        early = k.submit()  # sealed before the kiosk ever reached the server: it says "3"
        assert k.worker.run_once().delivered == 1
        later = k.submit()  # sealed once the kiosk knew the server's name for the version
        assert k.worker.run_once().delivered == 1
        assert [status for method, _, status in server.answers if method == "POST"] == [201, 201]
        for submission in (early, later):
            record = server.records[submission["instance_id"]]
            assert record.version == renamed and record.problem is None
            assert ET.fromstring(record.decrypted).findtext("location") == "Test Lane 12 & <corner>"
        # Sealed knowing it, the submission is exactly what ODK Collect sends: the version
        # inside, and the signature over it, are the server's. The one sealed before says the
        # new version outside only; its signature, which Central never checks, names "3".
        first = server.records[early["instance_id"]]
        with pytest.raises(Undecryptable, match="signature"):
            decrypt_submission(private, first.xml, first.files, check_signature=True)
        record = server.records[later["instance_id"]]
        xml, _ = decrypt_submission(private, record.xml, record.files, check_signature=True)
        assert ET.fromstring(xml).get("version") == renamed


def test_managed_encryption_turned_on_later_is_followed_from_the_next_form_list(tmp_path, keys):
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, private_key=private,
                        signature_checked=False) as server, \
            kiosk(tmp_path, server, public_key=public) as k:
        k.submit()
        assert k.worker.run_once().delivered == 1
        server.turn_on_managed_encryption(public)
        waiting = k.submit()  # sealed under "3", the name the kiosk last knew
        assert k.worker.run_once().delivered == 1
        assert CENTRAL_RENAMED.fullmatch(server.records[waiting["instance_id"]].version)


def test_a_path_the_server_s_form_lacks_holds_that_form_only_and_names_the_path(tmp_path):
    with OpenRosaServer({"street_report": ["3"], "other_report": ["3"]}) as server, \
            kiosk(tmp_path, server) as k:
        server.publish(kit_xform("street_report", "3", SERVER_NAMES))
        other = write_form(tmp_path / "forms", form_id="other_report")
        held = [k.submit()["instance_id"] for _ in range(3)]
        sent = visit(other)
        k.store.outbox.submit(sent, "odk")
        result = k.worker.run_once().destinations["odk"]
        assert (result.state, result.delivered, result.retried) == ("ok", 1, 3)
        assert "/details/noticed_at" in result.message
        assert set(server.records) == {sent["instance_id"]}  # nothing of the held form reached the server
        rows = k.outbox()
        for instance_id in held:
            state, _, _, reason, _ = rows[instance_id]
            assert state == "queued"
            assert reason.startswith("the server's form 'street_report' (version '3') has no "
                                     "element /details/noticed_at, which this kiosk's form")
            assert "nothing is lost" in reason
        assert _xform_downloads(server, "street_report") == 1

        # `kiosk sync --once` again: a new worker knows the server's form by its hash
        k.worker.close()
        k.worker = SyncWorker(k.store, k.config)
        assert k.worker.run_once(send_all=True).delivered == 0
        assert _xform_downloads(server, "street_report") == 1

        # The server's form is put right: a new hash, fetched again, and the queue goes
        server.publish(kit_xform("street_report", "3"))
        assert k.worker.run_once(send_all=True).delivered == 3
        assert _xform_downloads(server, "street_report") == 2
        assert set(held) <= set(server.records)


def test_kiosk_doctor_shows_a_form_the_server_does_not_match(tmp_path, keys):
    _, public = keys
    with OpenRosaServer({"street_report": ["3"], "other_report": ["3"]},
                        managed_key=public) as server, kiosk(tmp_path, server) as k:
        server.publish(kit_xform("street_report", "3", SERVER_NAMES))
        write_form(tmp_path / "forms", public_key=public, form_id="other_report")
        rows = {row.check: row for row in check_destinations(k.config, Findings())}
        street, other = rows["form street_report (odk)"], rows["form other_report (odk)"]
        assert street.status == FAIL and "/details/noticed_at" in street.found
        assert other.status == OK and "known there as '3[encrypted:" in other.found
        assert rows["central (odk)"].status == OK

        server.publish(kit_xform("street_report", "3"))  # matches now, but is encrypted there
        street = {row.check: row for row in check_destinations(k.config, Findings())}[
            "form street_report (odk)"]
        assert street.status == WARN and "sent readable" in street.found
