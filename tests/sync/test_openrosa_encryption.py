"""ODK encryption for a form with a public key: done when the visit is sealed, so the kiosk
keeps nothing readable; the server opens it with the private key, by the specification."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import sync.openrosa.package
from kiosk.forms.loader import load_form
from kiosk.forms.problems import FormError
from sync.openrosa.instance import instance_xml
from tests.sync.odk_decryption import SUBMISSIONS, Undecryptable, decrypt_submission
from tests.sync.openrosa_kit import kiosk, rsa_keys, visit, write_form
from tests.sync.openrosa_server import OpenRosaServer

SECRETS = (b"Test Lane 12", b"Test Person A", b"Test Person B")


@pytest.fixture(scope="module")
def keys():
    return rsa_keys()


def _database_bytes(k) -> bytes:
    folder = k.config.database_path.parent
    return b"".join(path.read_bytes() for path in sorted(folder.glob("kiosk.db*")))


def _stored(k) -> tuple[bytes, str]:
    with k.store.reader() as conn:
        return conn.execute("SELECT payload, sealed_to FROM submissions").fetchone()


def test_a_visit_is_encrypted_as_it_is_stored_and_the_server_opens_it(tmp_path, keys):
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, private_key=private) as server, \
            kiosk(tmp_path, server, public_key=public) as k:
        sent = k.submit()
        payload, sealed_to = _stored(k)
        assert sealed_to.startswith("rsa-sha256:")
        status = k.store.status()
        assert status["not_yet_sealed"] == 0 and status["install_key_only"] == 0
        assert not any(secret in _database_bytes(k) for secret in SECRETS)
        assert not any(secret in payload for secret in SECRETS)

        assert k.worker.run_once().delivered == 1
        (record,) = server.records.values()
        assert record.problem is None
        manifest = ET.fromstring(record.xml)
        assert manifest.tag == f"{{{SUBMISSIONS}}}data" and manifest.get("encrypted") == "yes"
        assert (manifest.get("id"), manifest.get("version")) == ("street_report", "3")
        assert sorted(record.files) == ["submission.xml.enc", "witness_signature-1.svg.enc",
                                        "witness_signature-2.svg.enc"]
        # What the server decrypted is exactly the instance a plain submission would have had.
        xml, files = instance_xml(load_form(k.form), sent)
        assert record.decrypted == xml
        assert record.decrypted_files == {file.name: file.data for file in files}


def test_an_encrypted_submission_split_across_posts_is_assembled_and_opens(tmp_path, keys):
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, private_key=private,
                        accept_content_length=4500) as server, \
            kiosk(tmp_path, server, public_key=public) as k:
        k.submit()
        assert k.worker.run_once().delivered == 1
        (record,) = server.records.values()
        assert record.posts >= 2 and record.problem is None
        assert b"<location>Test Lane 12 &amp; &lt;corner&gt;</location>" in record.decrypted


def test_visits_stored_before_sync_ran_are_encrypted_at_its_first_round(
        tmp_path, keys, sync_worker):
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, private_key=private) as server, \
            kiosk(tmp_path, server, public_key=public, worker=False) as k:
        sent = [k.submit(location=f"Test Road {n}") for n in range(3)]
        assert k.store.status()["not_yet_sealed"] == 3  # under the install key until then
        k.restart_with_sealers()
        worker = sync_worker(k.store, k.config)
        assert worker.run_once().delivered == 3
        assert k.store.status()["not_yet_sealed"] == 0
        assert not any(f"Test Road {n}".encode() in _database_bytes(k) for n in range(3))
        opened = {r.instance_id: ET.fromstring(r.decrypted).findtext("location")
                  for r in server.records.values()}
        assert opened == {s["instance_id"]: s["answers"]["location"] for s in sent}


def test_a_form_without_a_public_key_is_kept_under_the_kiosk_key_only(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        k.submit()
        payload, sealed_to = _stored(k)
        assert sealed_to == "install-key" and k.store.status()["install_key_only"] == 1
        assert not any(secret in _database_bytes(k) for secret in SECRETS)
        # ... but the kiosk's own key opens it: whoever takes the kiosk with its key file can
        # read it (docs/sync.md: set a public key on the form).
        package = json.loads(k.store._db.box.open(payload, f"submission:{_id(k)}"))
        assert b"Test Lane 12" in base64.b64decode(package["xml"])
        assert k.worker.run_once().delivered == 1


def _id(k) -> str:
    with k.store.reader() as conn:
        return conn.execute("SELECT id FROM submissions").fetchone()[0]


def test_a_visit_whose_form_version_is_gone_waits_for_staff_with_the_reason(
        tmp_path, keys, monkeypatch, sync_worker):
    monkeypatch.setattr(sync.openrosa.package, "MISSING_FOR_SECONDS", 0)  # no waiting in a test
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, private_key=private) as server, \
            kiosk(tmp_path, server, public_key=public, worker=False) as k:
        sent = k.submit()
        text = k.form.read_text(encoding="utf-8")
        k.form.unlink()  # IT replaced the form file before the visit was sealed
        k.restart_with_sealers()
        worker = sync_worker(k.store, k.config)
        assert worker.run_once().rejected_total == 1
        (state, _, _, reason, _), = k.outbox().values()
        assert state == "rejected"
        assert "the form 'street_report' version '3' is no longer on this kiosk" in reason
        k.form.write_text(text, encoding="utf-8")  # IT puts it back; staff send it again
        k.store.outbox.retry_rejected(sent["instance_id"], "helper")
        assert worker.run_once().delivered == 1
        assert next(iter(server.records.values())).problem is None


def test_the_servers_check_is_real_a_changed_byte_or_sha1_mgf1_does_not_open(tmp_path, keys):
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, private_key=private) as server, \
            kiosk(tmp_path, server, public_key=public) as k:
        k.submit()
        k.worker.run_once()
        (record,) = server.records.values()
    files = dict(record.files)
    files["submission.xml.enc"] = bytes([files["submission.xml.enc"][0] ^ 1]) + files["submission.xml.enc"][1:]
    with pytest.raises(Undecryptable):
        decrypt_submission(private, record.xml, files)
    # Java's own provider reads the same algorithm name as MGF1 with SHA-1: Central could not
    # open that, and neither can this server.
    sha1_mgf1 = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA256(), label=None)
    wrapped = base64.b64encode(private.public_key().encrypt(b"k" * 32, sha1_mgf1)).decode()
    manifest = ET.fromstring(record.xml)
    key_element = manifest.find(f"{{{SUBMISSIONS}}}base64EncryptedKey")
    key_element.text = wrapped
    with pytest.raises(Undecryptable, match="OAEP"):
        decrypt_submission(private, ET.tostring(manifest), record.files)


def test_a_form_with_a_key_that_cannot_be_used_does_not_load(tmp_path):
    def der(bits: int) -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
        return base64.b64encode(key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()

    central_cannot = "ODK Central decrypts only keys of exactly 2048 bits"
    for key, why in (("bm90IGEga2V5", "is not a public key"),
                     (der(1024), f"1024 bits: {central_cannot}"),
                     (der(3072), f"3072 bits: {central_cannot}")):
        with pytest.raises(FormError) as error:
            load_form(write_form(tmp_path / "forms", key))
        assert "column 'public_key'" in str(error.value) and why in str(error.value)


def test_a_form_version_added_while_sync_runs_is_found_when_its_first_visit_is_sealed(
        tmp_path, keys):
    private, public = keys
    with OpenRosaServer({"street_report": ["3", "4"]}, private_key=private) as server, \
            kiosk(tmp_path, server, public_key=public) as k:
        k.submit()  # the sealer has read the forms: version 3
        k.form.unlink()  # IT replaces the form file with version 4
        newer = write_form(tmp_path / "forms", public, version="4")
        submission = visit(newer)
        k.store.outbox.submit(submission, "odk")
        with k.store.reader() as conn:
            sealed = dict(conn.execute("SELECT form_version, sealed_to FROM submissions"))
        assert sealed["4"].startswith("rsa-sha256:")  # sealed as it was stored
        assert k.worker.run_once().delivered == 2
        assert {r.version for r in server.records.values()} == {"3", "4"}


def test_a_visit_is_stored_even_when_it_cannot_be_sealed_yet(tmp_path, keys, monkeypatch):
    monkeypatch.setattr(sync.openrosa.package, "MISSING_FOR_SECONDS", 0)
    private, public = keys
    with OpenRosaServer({"street_report": ["3"]}, private_key=private) as server, \
            kiosk(tmp_path, server, public_key=public) as k:
        submission = visit(k.form)
        text = k.form.read_text(encoding="utf-8")
        k.form.unlink()  # the form file is gone at the moment the citizen presses Send
        reference = k.store.outbox.submit(submission, "odk")
        assert reference and k.store.status()["not_yet_sealed"] == 1
        with k.store.reader() as conn:
            (detail,) = [row[0] for row in conn.execute(
                "SELECT detail FROM audit WHERE event = 'sealing_deferred'")]
        assert "street_report" in detail and "Test Lane" not in detail
        k.form.write_text(text, encoding="utf-8")
        assert k.worker.run_once().delivered == 1
        assert next(iter(server.records.values())).problem is None
