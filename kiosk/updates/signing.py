"""Release signatures: a kiosk installs a package only when the release key pinned in its
configuration at install (`[updates] public_key`) signed it.

TLS alone is never trusted for this: a central service that was broken into, or anything
between it and the kiosk, could otherwise put its own program on every kiosk of a fleet.
IT keeps the private key off the central service, on the machine that builds releases
(`kiosk update keygen`, `kiosk update sign`); the central only hands the signature on.

A signature covers the package's name, its version, its size and its SHA-256, so a signed
package is never accepted under another version (a central cannot offer an old, signed
release as if it were new: the kiosk also refuses any version that is not newer than its own).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "ed25519:"  # a release key as the config holds it: ed25519:<base64 of 32 raw bytes>
FORMAT = "kiosk-update/1"
PACKAGE = "kiosk"
_CONTEXT = b"kiosk-release-v1\0"  # never valid as a receipt's or any other signature
# A Debian version as dpkg-deb writes it into a package's name: nothing that reaches a path.
_VERSION = re.compile(r"^[0-9][A-Za-z0-9.+~-]{0,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UpdateRejected(ValueError):
    """A package or signature that must not be installed, said in a sentence for IT."""


@dataclass(frozen=True)
class Signature:
    """What a release's signature file (PACKAGE.deb.sig, JSON) holds."""

    version: str
    sha256: str
    size: int
    signature: str  # base64 of the 64-byte Ed25519 signature
    package: str = PACKAGE

    def message(self) -> bytes:
        return _CONTEXT + json.dumps([self.package, self.version, self.sha256, str(self.size)],
                                     separators=(",", ":")).encode()

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "package": self.package, "version": self.version,
                "sha256": self.sha256, "size": self.size, "signature": self.signature}

    @classmethod
    def from_json(cls, doc: object) -> Signature:
        """UpdateRejected for anything that is not a signature document of this format."""
        if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
            raise UpdateRejected(f"the signature is not a {FORMAT} document")
        version, sha256, size = doc.get("version"), doc.get("sha256"), doc.get("size")
        signature, package = doc.get("signature"), doc.get("package")
        if package != PACKAGE:
            raise UpdateRejected(f"the signature is for the package {package!r}, not {PACKAGE!r}")
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            raise UpdateRejected("the signature's version is not a package version")
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise UpdateRejected("the signature's sha256 is not 64 hexadecimal digits")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise UpdateRejected("the signature's size is not a number of bytes")
        if not isinstance(signature, str):
            raise UpdateRejected("the signature holds no signature")
        return cls(version=version, sha256=sha256, size=size, signature=signature)

    @classmethod
    def read(cls, path: Path) -> Signature:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            if isinstance(error, UpdateRejected):
                raise
            raise UpdateRejected(f"{path}: not a signature file ({error})") from None


def package_name(version: str) -> str:
    """A release's file name, as dpkg-deb names it (the kiosk's bundle is amd64 only)."""
    return f"{PACKAGE}_{version}_amd64.deb"


def is_version(text: object) -> bool:
    return isinstance(text, str) and bool(_VERSION.fullmatch(text))


def file_digest(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and size of a file, read in pieces (a package is 40 MB and more)."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as file:
        while piece := file.read(1 << 20):
            digest.update(piece)
            size += len(piece)
    return digest.hexdigest(), size


class ReleaseKey:
    """The public release key a kiosk pins."""

    def __init__(self, public: Ed25519PublicKey):
        self._public = public

    @classmethod
    def from_text(cls, text: object) -> ReleaseKey:
        if not isinstance(text, str) or not text.startswith(PREFIX):
            raise UpdateRejected(f"a release key starts with {PREFIX} (as `kiosk update keygen` "
                                 "prints it)")
        try:
            raw = base64.b64decode(text.removeprefix(PREFIX), validate=True)
            return cls(Ed25519PublicKey.from_public_bytes(raw))
        except (binascii.Error, ValueError):
            raise UpdateRejected(f"the release key is not 32 bytes of base64 after {PREFIX}") from None

    @property
    def text(self) -> str:
        raw = self._public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PREFIX + base64.b64encode(raw).decode()

    def check(self, signature: Signature) -> None:
        """UpdateRejected unless this key made the signature over its fields."""
        try:
            raw = base64.b64decode(signature.signature, validate=True)
            self._public.verify(raw, signature.message())
        except (binascii.Error, ValueError, InvalidSignature):
            raise UpdateRejected(
                f"the signature of version {signature.version} was not made with the release "
                "key pinned in this kiosk's configuration ([updates] public_key)") from None

    def verify_package(self, package: Path, signature: Signature) -> None:
        """UpdateRejected unless the file is the one the signature names, signed by this key."""
        self.check(signature)
        sha256, size = file_digest(package)
        if size != signature.size or sha256 != signature.sha256:
            raise UpdateRejected(
                f"the downloaded package is not the one signed as version {signature.version} "
                f"({size} bytes, sha256 {sha256[:12]}...; signed: {signature.size} bytes, "
                f"sha256 {signature.sha256[:12]}...)")


def generate_key() -> tuple[bytes, str]:
    """A new release key: its private half (PEM, for the build machine only) and the public
    text for kiosk.toml."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return pem, ReleaseKey(private.public_key()).text


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise UpdateRejected(f"not a release key's private half ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UpdateRejected("the private key is not an Ed25519 key (make one with "
                             "`kiosk update keygen`)")
    return key


def sign_package(private_pem: bytes, package: Path, version: str) -> Signature:
    if not is_version(version):
        raise UpdateRejected(f"{version!r} is not a package version")
    key = load_private_key(private_pem)
    sha256, size = file_digest(package)
    unsigned = Signature(version=version, sha256=sha256, size=size, signature="")
    raw = key.sign(unsigned.message())
    return Signature(version=version, sha256=sha256, size=size,
                     signature=base64.b64encode(raw).decode())
