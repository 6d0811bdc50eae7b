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
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .opening import tighten

KEY_FILE = "install.key"
NONCE_BYTES = 12


class InstallKeyError(Exception):
    """The install key is missing, unreadable or does not open the data (a different install)."""


def load_or_create_key(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE
    try:
        key = path.read_bytes()
        tighten(path)  # an older kiosk's key file, open to others (0644)
    except FileNotFoundError:
        key = _create(path)
    if len(key) != 32:
        raise InstallKeyError(f"{path} is not a kiosk key (it should hold 32 bytes)")
    return key


def _create(path: Path) -> bytes:
    return write_once(path, AESGCM.generate_key(bit_length=256))


def write_once(path: Path, content: bytes) -> bytes:
    """`content` as a new private (0600) file at `path`, written whole under a name of its own
    and then linked there; what `path` holds afterwards.

    Processes starting at once on a new folder see no file or a whole one, never half of one
    (nor an empty one left by a power cut mid-write). os.link will not replace a file, so only
    the first one in is kept: the others read that one, and every process ends up with the
    same content."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_bytes()  # another process's came first: it is the one
        sync_folder(path.parent)  # the new name, too, survives a power cut
    finally:
        temporary.unlink(missing_ok=True)
    return content


def write_temporary(folder: Path, data: bytes, prefix: str = ".incoming-",
                    suffix: str = ".yaml") -> Path:
    """`data` in a new file in `folder`, synced to disk, under a hidden name of its own: the
    caller renames it into place, so nobody ever reads half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def sync_folder(folder: Path) -> None:
    """A new or renamed name in `folder` survives a power cut (fsync of the folder itself)."""
    if os.name != "posix":  # a folder cannot be opened to fsync elsewhere
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
