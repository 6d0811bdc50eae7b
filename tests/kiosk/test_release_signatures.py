"""Release keys and signatures, checked the way IT and the root updater use them: a real
Debian package built with dpkg-deb, signed with `kiosk update sign`, verified with
`kiosk update verify` against the key pinned in a real kiosk.toml."""

import json
import os
import shutil
import stat
import subprocess

import pytest

from kiosk.updates.signing import ReleaseKey, Signature, UpdateRejected, generate_key, sign_package
from kiosk.updates.versions import compare
from ui.cli import main

needs_dpkg = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb: Debian only")


def _package(tmp_path, version="2.0.0", name="kiosk"):
    root = tmp_path / f"root-{name}-{version}"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "opt" / "kiosk").mkdir(parents=True)
    (root / "opt" / "kiosk" / "kiosk").write_text("#!/bin/sh\necho made-up program\n")
    (root / "DEBIAN" / "control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: amd64\n"
        "Maintainer: Test <test@example.org>\nDescription: a made-up package\n for tests\n")
    target = tmp_path / f"{name}_{version}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-b", str(root), str(target)],
                   check=True, capture_output=True)
    return target


@pytest.fixture
def release_key(tmp_path, capsys):
    private = tmp_path / "release.key"
    assert main(["update", "keygen", "--private", str(private)]) == 0
    printed = capsys.readouterr().out
    public = printed.split('public_key = "')[1].split('"')[0]
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n\n[updates]\npublic_key = "{public}"\n')
    return private, public, config


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites_it(
        release_key, capsys):
    private, public, _config = release_key
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert public.startswith("ed25519:")
    before = private.read_bytes()
    assert main(["update", "keygen", "--private", str(private)]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert private.read_bytes() == before


@needs_dpkg
def test_a_package_signed_with_the_pinned_key_is_verified(tmp_path, release_key, capsys):
    private, _public, config = release_key
    package = _package(tmp_path, "2.0.0")
    assert main(["update", "sign", "--key", str(private), str(package)]) == 0
    signature = json.loads(package.with_name(package.name + ".sig").read_text())
    assert signature["version"] == "2.0.0"  # read from the package by dpkg-deb
    assert signature["size"] == package.stat().st_size
    capsys.readouterr()
    assert main(["update", "verify", "--config", str(config), str(package)]) == 0
    assert "verified: kiosk 2.0.0" in capsys.readouterr().out


@needs_dpkg
def test_one_byte_changed_after_signing_is_refused(tmp_path, release_key, capsys):
    private, _public, config = release_key
    package = _package(tmp_path)
    main(["update", "sign", "--key", str(private), str(package)])
    data = bytearray(package.read_bytes())
    data[-10] ^= 1
    package.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["update", "verify", "--config", str(config), str(package)]) == 1
    assert "not the one signed as version 2.0.0" in capsys.readouterr().err


@needs_dpkg
def test_a_package_signed_with_another_key_is_refused(tmp_path, release_key, capsys):
    _private, _public, config = release_key
    package = _package(tmp_path)
    other, _ = generate_key()
    signature = sign_package(other, package, "2.0.0")
    package.with_name(package.name + ".sig").write_text(json.dumps(signature.as_json()))
    assert main(["update", "verify", "--config", str(config), str(package)]) == 1
    assert "not made with the release key pinned" in capsys.readouterr().err


@needs_dpkg
def test_a_signature_for_another_version_than_the_package_says_is_refused(
        tmp_path, release_key, capsys):
    private, _public, config = release_key
    package = _package(tmp_path, "2.0.0")
    assert main(["update", "sign", "--key", str(private), "--version", "3.0.0",
                 str(package)]) == 1
    assert "says version 2.0.0, not 3.0.0" in capsys.readouterr().err
    # Signed outside the command with the wrong version: the root updater's check finds it.
    signature = sign_package(private.read_bytes(), package, "3.0.0")
    package.with_name(package.name + ".sig").write_text(json.dumps(signature.as_json()))
    assert main(["update", "verify", "--config", str(config), str(package)]) == 1
    assert "signed as kiosk 3.0.0" in capsys.readouterr().err


def test_a_kiosk_with_no_pinned_key_verifies_nothing(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n')
    package = tmp_path / "kiosk_2.0.0_amd64.deb"
    package.write_bytes(b"x")
    assert main(["update", "verify", "--config", str(config), str(package)]) == 1
    assert "no release key is pinned" in capsys.readouterr().err


def test_a_signature_is_bound_to_its_version_size_and_digest(tmp_path):
    private, public = generate_key()
    package = tmp_path / "p.deb"
    package.write_bytes(os.urandom(5000))
    signature = sign_package(private, package, "1.4.0")
    key = ReleaseKey.from_text(public)
    key.verify_package(package, Signature.from_json(signature.as_json()))
    for changed in ({"version": "1.5.0"}, {"size": 5001}, {"sha256": "0" * 64}):
        forged = Signature.from_json({**signature.as_json(), **changed})
        with pytest.raises(UpdateRejected):
            key.verify_package(package, forged)
    for broken in ({"format": "other"}, {"version": "../../etc"}, {"size": -1},
                   {"package": "something-else"}, {"sha256": "xyz"}):
        with pytest.raises(UpdateRejected):
            Signature.from_json({**signature.as_json(), **broken})


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg: Debian only")
@pytest.mark.parametrize("a,b", [("1.0", "1.0.1"), ("1.0~rc1", "1.0"), ("1:0.1", "2.0"),
                                 ("1.10", "1.9"), ("1.0-2", "1.0-10"), ("1.0a", "1.0"),
                                 ("1.0+b1", "1.0"), ("0+unknown", "0.1.0"), ("2.0", "2.0"),
                                 ("0.1.0", "0.1.0+deb12u1"), ("1.0~~", "1.0~")])
def test_versions_are_ordered_as_dpkg_orders_them(a, b):
    said = {op: subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0
            for op in ("lt", "eq", "gt")}
    expected = -1 if said["lt"] else 0 if said["eq"] else 1
    assert compare(a, b) == expected
