"""Sealing: once a submission is sealed to its destination, the kiosk itself cannot read it."""

import contextlib
import json
import types
import uuid
from pathlib import Path

import pytest

import kiosk.store.keys as install_keys
from kiosk.config import ConfigError, load_config
from kiosk.sealing import OpeningKey, SealingError, SealingKey
from kiosk.store import Store
from kiosk.store.keys import NONCE_BYTES, Box, load_or_create_key
from tests.kiosk.store_helpers import fake_submission


@pytest.fixture(scope="module")
def central_key():
    return OpeningKey.generate()


def _secret_visit(number: int = 1) -> tuple[dict, str]:
    """A made-up visit with one answer nobody else could have typed (not on the receipt)."""
    secret = f"unrepeatable-{uuid.uuid4().hex}"
    visit = fake_submission(number)
    visit["answers"]["details"] = secret
    return visit, secret


def _file_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


def test_an_envelope_opens_only_with_the_private_key_and_for_its_own_submission(central_key):
    envelope = central_key.public.seal(b'{"answers": 1}', "uuid:one")
    assert central_key.open(envelope, "uuid:one") == b'{"answers": 1}'
    with pytest.raises(SealingError, match="another submission"):
        central_key.open(envelope, "uuid:two")
    with pytest.raises(SealingError, match="another key"):
        OpeningKey.generate().open(envelope, "uuid:one")
    tampered = json.loads(envelope)
    tampered["ciphertext"] = tampered["ciphertext"][:-8] + "AAAAAAA="
    with pytest.raises(SealingError, match="altered"):
        central_key.open(tampered, "uuid:one")


def test_every_envelope_has_its_own_content_key(central_key):
    first = json.loads(central_key.public.seal(b"same answers", "uuid:one"))
    second = json.loads(central_key.public.seal(b"same answers", "uuid:one"))
    assert first["wrapped_key"] != second["wrapped_key"]
    assert first["ciphertext"] != second["ciphertext"]


def test_a_key_whose_fingerprint_is_not_the_pinned_one_is_refused(central_key):
    text = central_key.public.text
    assert SealingKey.from_text(text, central_key.public.fingerprint.upper()).raw == central_key.public.raw
    with pytest.raises(SealingError, match="not the pinned one"):
        SealingKey.from_text(text, OpeningKey.generate().public.fingerprint)
    with pytest.raises(SealingError, match="32 bytes"):
        SealingKey.from_text("c2hvcnQ=")
    with pytest.raises(SealingError, match="base64"):
        SealingKey.from_text("not base64 at all!")


def test_a_sealed_submission_leaves_no_readable_answer_in_the_database_files(tmp_path, central_key):
    folder = tmp_path / "data"
    with Store(folder / "kiosk.db", site_id="LIB01",
               sealers={"central": central_key.public}) as store:
        visit, secret = _secret_visit()
        reference = store.outbox.submit(visit)
        assert store.outbox.submission(reference) is None  # not even the kiosk can read it back
        assert store.outbox.receipt(reference).answers[0]["answer"] == "Test Street 1"
        files = _file_bytes(folder)  # the database, its WAL, and the install key beside them
        assert secret.encode() not in files
        item = store.outbox.claim([visit["instance_id"]])[0]
        opened = json.loads(central_key.open(item.envelope, visit["instance_id"]))
        assert opened["answers"]["details"] == secret


def test_submissions_stored_before_the_key_was_known_are_sealed_and_the_copy_overwritten(
        tmp_path, central_key):
    folder = tmp_path / "data"
    with Store(folder / "kiosk.db", site_id="LIB01") as store:
        visits = [_secret_visit(n) for n in range(3)]
        references = [store.outbox.submit(visit) for visit, _ in visits]
        assert store.outbox.submission(references[0])["answers"]["details"] == visits[0][1]
        assert store.outbox.claim([visits[0][0]["instance_id"]]) == []  # never sent unsealed
        assert store.status()["not_yet_sealed"] == 3
        assert store.outbox.set_sealing_key("central", central_key.public) == 3
        assert store.status()["not_yet_sealed"] == 0
        assert all(store.outbox.submission(reference) is None for reference in references)
    files = _file_bytes(folder)
    for _, secret in visits:
        assert secret.encode() not in files  # secure_delete and a checkpoint: no stale pages
    with Store(folder / "kiosk.db", site_id="LIB01") as store:
        opened = {json.loads(central_key.open(item.envelope, item.submission_id))["answers"]["details"]
                  for item in store.outbox.claim([visit["instance_id"] for visit, _ in visits])}
        assert opened == {secret for _, secret in visits}


def _config_file(tmp_path, **destination) -> Path:
    lines = ["[destinations.central]"] + [f"{k} = {json.dumps(v)}" for k, v in destination.items()]
    file = tmp_path / "kiosk.toml"
    file.write_text("\n".join(lines) + "\n")
    return file


def test_the_config_refuses_a_key_that_does_not_match_its_pinned_fingerprint(tmp_path, central_key):
    other = OpeningKey.generate().public
    file = _config_file(tmp_path, url="https://central.example", token="t",
                        public_key=other.text, key_fingerprint=central_key.public.fingerprint)
    with pytest.raises(ConfigError, match="destinations.central.*not the pinned one"):
        load_config(file, environ={})


def test_the_config_refuses_plain_http_beyond_this_machine_unless_it_is_allowed(tmp_path, central_key):
    pin = central_key.public.fingerprint
    file = _config_file(tmp_path, url="http://central.example", token="t", key_fingerprint=pin)
    with pytest.raises(ConfigError, match="plain http is allowed only to this machine"):
        load_config(file, environ={})
    for allowed in ({"url": "http://127.0.0.1:8765"},
                    {"url": "http://central.example", "allow_http": True}):
        file = _config_file(tmp_path, token="t", key_fingerprint=pin, **allowed)
        assert load_config(file, environ={}).destinations["central"].token == "t"


def test_a_misspelt_destination_key_is_named(tmp_path, central_key):
    file = _config_file(tmp_path, url="https://central.example", tokn="t",
                        key_fingerprint=central_key.public.fingerprint)
    with pytest.raises(ConfigError) as error:
        load_config(file, environ={})
    assert "'destinations.central.tokn': unknown key" in str(error.value)
    assert "'destinations.central.token'" in str(error.value)  # and the missing one


def test_no_autosave_of_a_submitted_visit_is_left_in_the_database_files(tmp_path, central,
                                                                         monkeypatch):
    marker = b"AUTOSAVE-NCE"  # a recognisable nonce, so the test can find the autosave blobs
    monkeypatch.setattr(install_keys, "secrets",
                        types.SimpleNamespace(token_bytes=lambda n: marker[:n]))
    folder = tmp_path / "data"
    visit, secret = _secret_visit()
    state = {"form_id": visit["form_id"], "form_version": "1", "answers": visit["answers"]}
    with Store(folder / "kiosk.db", sealers={"central": central.public_key}) as store:
        draft = store.drafts.new_draft_id()
        store.drafts.autosave(draft, state)  # after every page, as the kiosk does
        store.outbox.submit(visit, draft_id=draft)  # sealed to central; the draft deleted with it
        # What a thief finds on a kiosk unplugged now: the files, and the key beside them.
        box = Box(load_or_create_key(folder))
        length = NONCE_BYTES + len(json.dumps(state).encode()) + 16
        readable = []
        for name in ("kiosk.db", "kiosk.db-wal"):
            path = folder / name
            data = path.read_bytes() if path.exists() else b""
            at = data.find(marker)
            while at >= 0:
                with contextlib.suppress(install_keys.InstallKeyError):
                    readable.append((name, box.open(data[at:at + length], f"draft:{draft}")))
                at = data.find(marker, at + 1)
    assert not [name for name, text in readable if secret.encode() in text], readable[:1]
