"""`kiosk central rotate-key`: a new current key, every earlier one kept to open what was sealed
to it, the files written whole and private, and a rotation cut short losing no key."""

from __future__ import annotations

import errno
import os
import stat
import threading
import tomllib

import pytest
import requests

from kiosk.sealing import OpeningKey
from sync.central import keyring
from sync.central.errors import CentralError
from sync.central.export import export_submissions
from sync.central.keyring import read_keyring, rotate_key
from sync.central.store import CentralStore

from .central_kit import run, sealed_body


def _pins(printed: str) -> list[str]:
    return tomllib.loads(printed)["key_fingerprint"]


def test_after_a_rotation_both_keys_open_and_the_new_one_is_announced(service, capsys):
    old = service.key  # what a kiosk that has not noticed yet still seals to
    assert run("rotate-key", "--data-dir", str(service.data_dir)) == 0
    new = read_keyring(service.data_dir).current.public
    assert _pins(capsys.readouterr().out) == [new.fingerprint]

    announced = requests.get(service.url + "/v1/key", timeout=10).json()
    assert announced["public_key"] == new.text and announced["fingerprint"] == new.fingerprint
    assert announced["opens"] == [new.fingerprint, old.fingerprint]

    before, after = sealed_body(old, {"service": "library"}), sealed_body(new, {"service": "parks"})
    assert service.post(before).status_code == 201
    assert service.post(before).status_code == 200  # sent again: the first receipt
    assert service.post(after).status_code == 201
    opened = {r["instance_id"]: r["answers"] for r in export_submissions(service.data_dir)}
    assert opened == {before["instance_id"]: {"service": "library"},
                      after["instance_id"]: {"service": "parks"}}

    stranger = service.post(sealed_body(OpeningKey.generate().public, {"service": "x"}))
    assert stranger.status_code == 422
    assert "does not hold" in stranger.json()["error"]


def test_the_keys_are_private_files(service):
    rotate_key(service.data_dir)
    for name in ("central.key", "central.previous-keys"):
        assert stat.S_IMODE(os.stat(service.data_dir / name).st_mode) == 0o600
    assert not list(service.data_dir.glob(".*.part"))


def test_a_prepared_key_is_announced_only_once_it_is_rotated_to(service, capsys):
    current = service.init.key_fingerprint
    assert run("rotate-key", "--prepare", "--data-dir", str(service.data_dir)) == 0
    out, err = capsys.readouterr()
    pins = _pins(out)
    assert pins[0] == current and len(pins) == 2 and "every kiosk" in err
    upcoming = pins[1]
    assert run("rotate-key", "--prepare", "--data-dir", str(service.data_dir)) == 0
    assert _pins(capsys.readouterr().out)[1] == upcoming  # the same next key, not another
    assert requests.get(service.url + "/v1/key", timeout=10).json()["opens"] == [current]

    assert run("rotate-key", "--data-dir", str(service.data_dir)) == 0
    out, err = capsys.readouterr()
    assert _pins(out) == [upcoming] and "warning" not in err
    assert requests.get(service.url + "/health", timeout=10).json()["key_fingerprint"] == upcoming
    assert not (service.data_dir / "central.next-key").exists()


def test_a_key_nobody_was_told_about_comes_with_a_warning(central_dir, capsys):
    folder, _ = central_dir
    assert run("rotate-key", "--data-dir", str(folder)) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "stops sending (nothing is lost)" in err


def test_rotating_a_folder_that_is_not_set_up_says_so(tmp_path, capsys):
    assert run("rotate-key", "--data-dir", str(tmp_path / "nowhere")) == 2
    err = capsys.readouterr().err
    assert "kiosk central init" in err and "Traceback" not in err
    assert not (tmp_path / "nowhere").exists()


def test_a_rotation_cut_short_loses_no_key(central_dir, monkeypatch, capsys):
    folder, init = central_dir
    real_write = keyring.write_private

    def disk_full_at_the_current_key(path, content):
        if path.name == "central.key":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(path, content)

    monkeypatch.setattr(keyring, "write_private", disk_full_at_the_current_key)
    assert run("rotate-key", "--data-dir", str(folder)) == 1
    assert "cannot be written" in capsys.readouterr().err
    ring = read_keyring(folder)  # the old key in both files: read once, still current
    assert ring.fingerprints == [init.key_fingerprint]

    monkeypatch.setattr(keyring, "write_private", real_write)
    ring, _ = rotate_key(folder)
    assert ring.fingerprints[1:] == [init.key_fingerprint]
    assert read_keyring(folder).fingerprints == ring.fingerprints


def test_rotations_at_the_same_moment_keep_every_key(central_dir):
    folder, init = central_dir
    made: list[str] = []
    threads = [threading.Thread(target=lambda: made.append(
        rotate_key(folder)[0].current.public.fingerprint)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = read_keyring(folder).fingerprints
    assert sorted(kept) == sorted([*made, init.key_fingerprint])


def test_a_damaged_file_of_earlier_keys_is_named(central_dir):
    folder, _ = central_dir
    rotate_key(folder)
    (folder / "central.previous-keys").write_bytes(
        b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    with pytest.raises(CentralError, match="Key 1 in .*central.previous-keys is not usable"):
        CentralStore(folder)
