"""The central service's receipt-signing key (kiosk/signed_receipts.py says why receipts are
signed): `central.receipt-key` in the data folder, 0600, made at `kiosk central init`, or at
the first start of a folder set up before receipts were signed."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from kiosk.signed_receipts import ReceiptKeyError, ReceiptSigner

from .errors import CentralError

RECEIPT_KEY_FILE = "central.receipt-key"


def load_or_create_signer(data_dir: Path) -> ReceiptSigner:
    """The folder's receipt key; made if there is none. Made whole beside the final name and
    linked into place, so several processes starting together all end with the same key."""
    path = data_dir / RECEIPT_KEY_FILE
    if not path.exists():
        _create(path)
    try:
        return ReceiptSigner.from_pem(path.read_bytes())
    except OSError as error:
        raise CentralError(f"The receipt key {path} cannot be read: {error.strerror}.") from None
    except (ValueError, ReceiptKeyError) as error:
        raise CentralError(f"The receipt key {path} is not usable ({error}); restore it from "
                           "the backup, or kiosks will not accept this service's receipts."
                           ) from None


def _create(path: Path) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(ReceiptSigner.generate().pem())
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs
            os.link(partial, path)
    except OSError as error:
        raise CentralError(f"The receipt key {path} cannot be made: {error.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
