"""Kiosk releases as the tests make them: made-up bytes standing for a .deb (the central never
parses one), signed with a release key made for the test (kiosk/updates/signing.py), and the
signature file beside it as `kiosk update sign` writes it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.updates.signing import Signature, generate_key, sign_package


@dataclass(frozen=True)
class ReleaseKey:
    private_pem: bytes
    public_text: str  # what a kiosk pins in [updates] public_key


def release_key() -> ReleaseKey:
    return ReleaseKey(*generate_key())


@dataclass(frozen=True)
class Release:
    package: Path  # kiosk_<version>_amd64.deb
    signature_file: Path  # beside it, PACKAGE.deb.sig
    signature: Signature

    @property
    def version(self) -> str:
        return self.signature.version

    @property
    def data(self) -> bytes:
        return self.package.read_bytes()


def make_release(folder: Path, key: ReleaseKey, version: str, size: int = 200_000) -> Release:
    """A signed package of `size` random bytes under `version`, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    package = folder / f"kiosk_{version}_amd64.deb"
    with package.open("wb") as out:  # in pieces: a big one never sits in memory whole
        left = size
        while left:
            piece = min(left, 1 << 20)
            out.write(os.urandom(piece))
            left -= piece
    signature = sign_package(key.private_pem, package, version)
    signature_file = package.with_name(package.name + ".sig")
    signature_file.write_text(json.dumps(signature.as_json(), indent=2) + "\n", encoding="utf-8")
    return Release(package, signature_file, signature)
