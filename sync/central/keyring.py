"""The central service's sealing keys: the current one kiosks seal to, and every earlier one,
kept so that what was sealed to them still opens after a rotation (`kiosk central rotate-key`).

Files in the data folder, each 0600 and replaced whole (written, fsynced, renamed):
- central.key: the current key (as it always was; a folder from before rotation still works);
- central.previous-keys: the earlier keys, newest first, as PEM blocks;
- central.next-key: a key made ahead (`rotate-key --prepare`), so IT can pin its fingerprint on
  the kiosks before it becomes the current one.

A rotation writes the earlier keys first, then the current one: a crash between the two leaves
the old key in both files, never in neither. A running service notices a rotation by the
files' change (a stat when it uses its keys) and reads them again.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.sealing import OpeningKey, SealingError, envelope_fields, normal_fingerprint

from .errors import CentralError, not_initialised

KEY_FILE = "central.key"
PREVIOUS_KEYS_FILE = "central.previous-keys"
NEXT_KEY_FILE = "central.next-key"
_LOCK_FILE = ".central.keys.lock"
_PEM_BLOCK = re.compile(rb"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----\s*", re.DOTALL)


@dataclass(frozen=True)
class Keyring:
    """The current key and the earlier ones still kept (newest first)."""

    current: OpeningKey
    earlier: tuple[OpeningKey, ...] = ()

    @property
    def fingerprints(self) -> list[str]:
        """What this service opens: the current key's fingerprint first."""
        return [key.public.fingerprint for key in (self.current, *self.earlier)]

    def key_for(self, fingerprint: str) -> OpeningKey | None:
        wanted = normal_fingerprint(fingerprint)
        return next((key for key in (self.current, *self.earlier)
                     if normal_fingerprint(key.public.fingerprint) == wanted), None)

    def open(self, envelope: bytes | str | dict[str, Any], instance_id: str) -> bytes:
        """The payload, opened with the key the envelope names; SealingError when this service
        does not hold that key (or the envelope does not open)."""
        named = envelope_fields(envelope).get("key")
        key = self.key_for(named) if isinstance(named, str) else None
        if key is None:
            raise SealingError(f"the envelope was sealed to another key, one this service "
                               f"does not hold ({named})")
        return key.open(envelope, instance_id)


def _read_key(path: Path, data_dir: Path) -> OpeningKey:
    try:
        return OpeningKey.from_pem(path.read_bytes())
    except FileNotFoundError:
        raise not_initialised(data_dir) from None
    except OSError as error:
        raise CentralError(f"The central key {path} cannot be read: {error.strerror}.") from None
    except SealingError as error:
        raise CentralError(f"The central key {path} is not usable: {error}.") from None


def _read_keys(path: Path) -> list[OpeningKey]:
    """The PEM blocks of a file of keys; none when it does not exist."""
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise CentralError(f"The earlier keys {path} cannot be read: {error.strerror}.") from None
    keys = []
    for number, block in enumerate(_PEM_BLOCK.findall(text), start=1):
        try:
            keys.append(OpeningKey.from_pem(block))
        except SealingError as error:
            raise CentralError(f"Key {number} in {path} is not usable: {error}; restore the "
                               "file from a backup.") from None
    return keys


def read_keyring(data_dir: Path | str) -> Keyring:
    data_dir = Path(data_dir)
    current = _read_key(data_dir / KEY_FILE, data_dir)
    earlier: list[OpeningKey] = []
    seen = {normal_fingerprint(current.public.fingerprint)}
    for key in _read_keys(data_dir / PREVIOUS_KEYS_FILE):
        # After a rotation cut short the current key is in both files: kept once.
        if normal_fingerprint(key.public.fingerprint) not in seen:
            seen.add(normal_fingerprint(key.public.fingerprint))
            earlier.append(key)
    return Keyring(current, tuple(earlier))


def write_private(path: Path, content: bytes) -> None:
    """`path` replaced whole by `content`, readable by the owner only, on disk before it
    returns (a reader sees the old file or the new one, never half of one)."""
    partial = path.with_name(f".{path.name}.part")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)


@contextlib.contextmanager
def _rotating(data_dir: Path) -> Iterator[None]:
    """One rotation at a time: two at once could each keep the key the other replaced."""
    import fcntl

    fd = os.open(data_dir / _LOCK_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _failed(data_dir: Path, error: OSError) -> CentralError:
    return CentralError(f"The keys in {data_dir} cannot be written: {error.strerror or error}.")


def prepare_next_key(data_dir: Path | str) -> OpeningKey:
    """The key the next rotation will make current, made now (or the one made before), so its
    fingerprint can be pinned on the kiosks first."""
    data_dir = Path(data_dir)
    ring = read_keyring(data_dir)
    try:
        with _rotating(data_dir):
            ready = _prepared(data_dir, ring)
            if ready is None:
                ready = OpeningKey.generate()
                write_private(data_dir / NEXT_KEY_FILE, ready.to_pem())
    except OSError as error:
        raise _failed(data_dir, error) from None
    return ready


def _prepared(data_dir: Path, ring: Keyring) -> OpeningKey | None:
    """The prepared next key, unless it is already in use (a rotation cut short)."""
    prepared = _read_keys(data_dir / NEXT_KEY_FILE)
    if not prepared or ring.key_for(prepared[0].public.fingerprint) is not None:
        return None
    return prepared[0]


def rotate_key(data_dir: Path | str) -> tuple[Keyring, bool]:
    """Make the prepared next key (or a new one) the current key, keeping every earlier one;
    the keyring after it, and whether the new key was the prepared one."""
    data_dir = Path(data_dir)
    read_keyring(data_dir)  # a folder never set up is said so, and left as it is
    try:
        with _rotating(data_dir):
            ring = read_keyring(data_dir)  # again: another rotation may just have finished
            prepared = _prepared(data_dir, ring)
            new = prepared or OpeningKey.generate()
            kept = (ring.current, *ring.earlier)
            write_private(data_dir / PREVIOUS_KEYS_FILE, b"".join(key.to_pem() for key in kept))
            write_private(data_dir / KEY_FILE, new.to_pem())
            (data_dir / NEXT_KEY_FILE).unlink(missing_ok=True)
    except OSError as error:
        raise _failed(data_dir, error) from None
    return Keyring(new, kept), prepared is not None


class WatchedKeyring:
    """The keyring of a data folder, read again when its files change (a rotation by another
    process while the service runs)."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()
        self._seen = self._signature()
        self._ring = read_keyring(self.data_dir)

    def _signature(self) -> tuple[tuple[int, int, int] | None, ...]:
        found: list[tuple[int, int, int] | None] = []
        for name in (KEY_FILE, PREVIOUS_KEYS_FILE):
            try:
                stat = os.stat(self.data_dir / name)
            except FileNotFoundError:
                found.append(None)
                continue
            found.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def current(self) -> Keyring:
        with self._lock:
            seen = self._signature()
            if seen != self._seen:
                # Unreadable now (restored by hand, half-way): the keys already read go on
                # serving, and the files are looked at again at the next use.
                with contextlib.suppress(CentralError):
                    self._ring, self._seen = read_keyring(self.data_dir), seen
            return self._ring
