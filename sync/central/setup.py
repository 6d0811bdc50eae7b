"""Setting up a central service's data folder, and the tokens kiosks and staff use with it."""

from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.sealing import OpeningKey
from kiosk.signed_receipts import ReceiptKey

from .errors import CentralError
from .keyring import KEY_FILE
from .receipt_key import RECEIPT_KEY_FILE
from .store import DB_FILE, FORMS_DIR, CentralStore
from .web.databases import CONFIG_FILE

# Device ids appear in URLs and config files: keep them to characters that need no escaping.
_DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class InitResult:
    toml_block: str  # exactly what a kiosk's config needs to send to this service
    admin_token: str  # shown once: only its hash is kept
    device_id: str
    device_token: str
    public_key: str
    key_fingerprint: str
    receipt_key: str  # the public key kiosks check receipts with (pinned as receipt_key)
    warnings: list[str] = field(default_factory=list)


def check_device_id(device_id: str) -> str:
    if not _DEVICE_ID.fullmatch(device_id):
        raise CentralError(f"{device_id!r} is not a usable device id: use up to 64 letters, "
                           "digits, '.', '_' and '-', starting with a letter or digit.")
    return device_id


def check_url(url: str) -> tuple[str, list[str]]:
    """The URL without a trailing slash, and warnings a person should read."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or \
            re.search(r"[\s\"'\\]", url.strip()):
        raise CentralError(f"{url!r} is not a URL kiosks can reach: give one like "
                           "https://central.example.org.")
    warnings = []
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        warnings.append(f"{url} is plain http: kiosks send to it only if IT allows plain http "
                        "in their config; use https for anything beyond this machine.")
    return url.strip().rstrip("/"), warnings


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def toml_block(url: str, device_id: str, token: str, key: OpeningKey,
               receipts: ReceiptKey) -> str:
    def quoted(text: str) -> str:
        return json.dumps(text)  # a JSON string of these characters is a TOML basic string

    return "\n".join([
        "[destinations.central]",
        'type = "rest"',
        f"url = {quoted(url)}",
        f"device_id = {quoted(device_id)}",
        f"token = {quoted(token)}",
        f"public_key = {quoted(key.public.text)}",
        f"key_fingerprint = {quoted(key.public.fingerprint)}",
        f"receipt_key = {quoted(receipts.text)}",
    ]) + "\n"


def init_central(data_dir: Path | str, url: str, device_id: str = "kiosk-01",
                 database_url: str | None = None) -> InitResult:
    """A new data folder: the key pair, the database, forms/, an admin and a device token.

    The database is a SQLite file in the folder unless `database_url` names another (it is
    kept in the folder's central.toml; the environment's KIOSK_CENTRAL_DATABASE_URL wins)."""
    data_dir = Path(data_dir)
    url, warnings = check_url(url)
    check_device_id(device_id)
    key_path, db_path = data_dir / KEY_FILE, data_dir / DB_FILE
    for existing in (key_path, db_path):
        if existing.exists():
            raise CentralError(f"{existing} already exists: this folder is already set up, and "
                               "a new key would make its submissions unreadable.")
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = OpeningKey.generate()
        # O_EXCL: two inits racing for one folder cannot both write a key.
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CentralError(f"{key_path} already exists: this folder is already set up.") from None
    except OSError as error:
        raise CentralError(f"The folder {data_dir} cannot be set up: {error.strerror}.") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key.to_pem())
            out.flush()
            os.fsync(out.fileno())
        if database_url is not None:
            _write_config(data_dir, database_url)
        store = CentralStore(data_dir, create=True)  # made and migrated
        try:
            if store.setting("url") is not None:
                raise CentralError("That database already holds a central service: give "
                                   "each service a database of its own.")
            store.set_setting("url", url)
            admin_token = store.add_admin_token()
            device_token = store.add_device(device_id)
            receipts = store.receipts.public
        finally:
            store.close()
        (data_dir / FORMS_DIR).mkdir(exist_ok=True)
    except BaseException:
        # Half a setup would be refused by the next init: leave the folder as it was.
        for path in (key_path, db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"),
                     data_dir / RECEIPT_KEY_FILE, data_dir / CONFIG_FILE):
            path.unlink(missing_ok=True)
        raise
    return InitResult(toml_block(url, device_id, device_token, key, receipts), admin_token,
                      device_id, device_token, key.public.text, key.public.fingerprint,
                      receipts.text, warnings)


def _write_config(data_dir: Path, database_url: str) -> None:
    from .web.databases import describe

    try:
        describe(database_url)
    except (ValueError, KeyError) as error:
        raise CentralError(f"{database_url!r} is not a database URL ({error}): give one like "
                           "postgresql://central@localhost/central.") from None
    fd = os.open(data_dir / CONFIG_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:  # 0600: the URL may hold a password
        out.write("# The central service's database (kiosk central init wrote this).\n"
                  f"database_url = {json.dumps(database_url)}\n")


def add_device(data_dir: Path | str, device_id: str) -> str:
    """A token for a new kiosk (shown once: only its hash is kept)."""
    check_device_id(device_id)
    store = CentralStore(data_dir)
    try:
        return store.add_device(device_id)
    finally:
        store.close()


def device_toml_block(data_dir: Path | str, device_id: str, token: str) -> str:
    """The config block a kiosk needs, with the URL given at init."""
    store = CentralStore(data_dir)
    try:
        return toml_block(store.setting("url") or "", device_id, token,
                          store.keyring.current, store.receipts.public)
    finally:
        store.close()


def revoke_device(data_dir: Path | str, device_id: str) -> None:
    """The device's token stops working at once (403); its submissions are kept."""
    store = CentralStore(data_dir)
    try:
        store.revoke_device(device_id)
    finally:
        store.close()
