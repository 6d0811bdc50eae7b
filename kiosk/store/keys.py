"""The install key that encrypts drafts and stored payloads at rest (AES-256-GCM).

Trade-off, said plainly: the key lives in a file beside the database, readable only by the
kiosk's own account (mode 0600). That protects against copying the database alone (a backup,
a support bundle, a disk image taken without the key file) and against other local accounts,
not against someone who takes the whole disk. Drafts must be readable on the kiosk to be
resumed, so they rely on this key alone. Submissions waiting to be sent are to be sealed to
the central service's public key instead (the sync layer), after which the kiosk itself cannot
read them. Putting this key in a TPM or the OS keystore is the next step up.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE = "install.key"
NONCE_BYTES = 12


class InstallKeyError(Exception):
    """The install key is missing, unreadable or does not open the data (a different install)."""


def load_or_create_key(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = _create(path)
    if len(key) != 32:
        raise InstallKeyError(f"{path} is not a kiosk key (it should hold 32 bytes)")
    return key


def _create(path: Path) -> bytes:
    key = AESGCM.generate_key(bit_length=256)
    # O_EXCL: two processes starting at once must not each write their own key.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


class Box:
    """Encrypts and decrypts with the install key; `context` binds a blob to its place."""

    def __init__(self, key: bytes):
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, blob: bytes, context: str) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except InvalidTag:
            raise InstallKeyError("stored data does not open with this kiosk's key") from None
